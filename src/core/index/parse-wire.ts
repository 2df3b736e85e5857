// How batches of chunk requests and results cross between the main thread and a parse worker.
// Structured cloning costs per object and per property, so a batch travels as a few flat
// arrays: numbers in one Int32Array (transferred, not copied) and strings in one string array,
// in a fixed order. Fresh strings come out on the other side (no slices of one big string that
// would keep it alive from every chunk name).
import type { ChunkRequest, ChunkResult } from './chunker';
import type { ChunkSpec } from './chunk-types';
import type { ChunkIdentifiers, IdentTable } from './terms';

/** What a parse worker is started with (its workerData): the runtime to instantiate, compiled by the pool's thread (wasm-tiering.ts). */
export interface ParseWorkerData {
  runtime?: WebAssembly.Module;
}

export interface RequestBatch {
  id: number;
  texts: string[];
  /** Per request: language, grammar ('' for none). */
  names: string[];
  /** Per request: chunkTokens, parseBudgetMs, withIdentifiers (0/1). */
  nums: Int32Array;
  /** PDFs and notebooks (few): by request index, what a document request adds. */
  docs?: [number, DocumentRequest][];
}

type DocumentRequest = Pick<ChunkRequest, 'document' | 'bytes' | 'pdfLimits'>;
type ChunkPlace = Pick<ChunkSpec, 'page' | 'pages' | 'cell' | 'lineOffset'>;
/** What a document result adds: its derived text, notes, and each chunk's page or cell. */
type DocumentResult = Pick<ChunkResult, 'text' | 'unreadable' | 'partial'> & { places: ChunkPlace[] };

export interface ResultBatch {
  id: number;
  nums: Int32Array;
  strings: string[];
  /** The batch's distinct identifiers, each once; a result's are `refs` into them. */
  idents: string[];
  refs: Uint32Array;
  occurrences: Uint32Array;
  offsets: Uint32Array;
  /** Set when a request failed: its index and message (the other results still count). */
  errors?: [number, string][];
  docs?: [number, DocumentResult][];
  /** The worker's memory outside its JS heap after the batch (tree-sitter's wasm memory, mostly). */
  external?: number;
}

const METHODS = ['syntax', 'markdown', 'lines', 'lines-after-timeout', 'lines-after-error', 'lines-no-grammar', 'sections', 'pdf', 'notebook'];

export function encodeRequests(id: number, reqs: readonly ChunkRequest[]): RequestBatch {
  const nums = new Int32Array(reqs.length * 3);
  const names: string[] = [];
  reqs.forEach((r, i) => {
    names.push(r.language, r.grammar ?? '');
    nums[i * 3] = r.chunkTokens;
    nums[i * 3 + 1] = r.parseBudgetMs;
    nums[i * 3 + 2] = r.withIdentifiers ? 1 : 0;
  });
  const docs = reqs.flatMap((r, i): [number, DocumentRequest][] => (r.document ? [[i, { document: r.document, bytes: r.bytes, pdfLimits: r.pdfLimits }]] : []));
  return { id, texts: reqs.map((r) => r.text), names, nums, ...(docs.length ? { docs } : {}) };
}

export function decodeRequests(b: RequestBatch): ChunkRequest[] {
  const docs = new Map(b.docs ?? []);
  return b.texts.map((text, i) => {
    const grammar = b.names[i * 2 + 1]!;
    return {
      text,
      language: b.names[i * 2]!,
      ...(grammar ? { grammar } : {}),
      chunkTokens: b.nums[i * 3]!,
      parseBudgetMs: b.nums[i * 3 + 1]!,
      withIdentifiers: b.nums[i * 3 + 2] === 1,
      ...docs.get(i),
    };
  });
}

/**
 * Layout of `nums`, per result: method, chunk count, then per chunk startLine, endLine,
 * tokens, has-symbol, name count; then identifier count (-1 for none) and occurrence count.
 * `strings` holds, in the same order, each chunk's symbol (if any) and names. The identifiers of
 * all results go once each into `idents`; a result's distinct identifiers are the next
 * identifier-count entries of `refs`, indices into `idents`.
 */
export function encodeResults(id: number, results: readonly (ChunkResult | Error)[], shared?: IdentTable): { batch: ResultBatch; transfer: ArrayBuffer[] } {
  const nums: number[] = [];
  const strings: string[] = [];
  // Results that refer to the batch's shared table (parse-batch.ts) send their refs as they are;
  // any other result's identifiers are added after the shared ones.
  const idents: string[] = shared ? [...shared.idents] : [];
  let table: Map<string, number> | undefined;
  const refList: number[] = [];
  let occTotal = 0;
  let offTotal = 0;
  const errors: [number, string][] = [];
  const docs: [number, DocumentResult][] = [];
  results.forEach((r, i) => {
    if (r instanceof Error) {
      errors.push([i, r.message]);
      nums.push(-1);
      return;
    }
    if (r.text !== undefined || r.unreadable || r.partial)
      docs.push([i, { text: r.text, unreadable: r.unreadable, partial: r.partial, places: r.chunks.map((c) => ({ page: c.page, pages: c.pages, cell: c.cell, lineOffset: c.lineOffset })) }]);
    nums.push(Math.max(0, METHODS.indexOf(r.method)), r.chunks.length);
    for (const c of r.chunks) {
      const names = c.names ?? [];
      nums.push(c.startLine, c.endLine, c.tokens, c.symbol !== undefined ? 1 : 0, c.names ? names.length : -1);
      if (c.symbol !== undefined) strings.push(c.symbol);
      for (const n of names) strings.push(n);
    }
    const ids = r.identifiers;
    if (ids && shared && ids.table === shared && ids.refs) {
      nums.push(ids.refs.length, ids.occurrences.length);
      for (let k = 0; k < ids.refs.length; k++) refList.push(ids.refs[k]!);
      occTotal += ids.occurrences.length;
      offTotal += ids.offsets.length;
      return;
    }
    const distinct = ids ? identsOf(ids) : undefined;
    nums.push(distinct ? distinct.length : -1, ids ? ids.occurrences.length : 0);
    if (ids && distinct) {
      table ??= new Map(idents.map((s, k) => [s, k]));
      for (const s of distinct) {
        let k = table.get(s);
        if (k === undefined) {
          k = idents.length;
          table.set(s, k);
          idents.push(s);
        }
        refList.push(k);
      }
      occTotal += ids.occurrences.length;
      offTotal += ids.offsets.length;
    }
  });
  const occurrences = new Uint32Array(occTotal);
  const offsets = new Uint32Array(offTotal);
  let o = 0;
  let f = 0;
  for (const r of results) {
    if (r instanceof Error || !r.identifiers) continue;
    occurrences.set(r.identifiers.occurrences, o);
    offsets.set(r.identifiers.offsets, f);
    o += r.identifiers.occurrences.length;
    f += r.identifiers.offsets.length;
  }
  const packed = Int32Array.from(nums);
  const refs = Uint32Array.from(refList);
  const batch: ResultBatch = { id, nums: packed, strings, idents, refs, occurrences, offsets, ...(errors.length ? { errors } : {}), ...(docs.length ? { docs } : {}) };
  return { batch, transfer: [packed.buffer, refs.buffer, occurrences.buffer, offsets.buffer] };
}

/** A result's distinct identifiers, in the order its occurrences refer to them. */
function identsOf(ids: ChunkIdentifiers): readonly string[] {
  const { table, refs } = ids;
  return refs ? Array.from(refs, (k) => table.idents[k]!) : table.idents;
}

export function decodeResults(b: ResultBatch, count: number): (ChunkResult | Error)[] {
  const failed = new Map(b.errors ?? []);
  const out: (ChunkResult | Error)[] = [];
  let n = 0;
  let s = 0;
  let r = 0;
  let o = 0;
  let f = 0;
  const table: IdentTable = { idents: b.idents };
  for (let i = 0; i < count; i++) {
    const method = b.nums[n++]!;
    if (method === -1) {
      out.push(new Error(failed.get(i) ?? 'parse worker failed'));
      continue;
    }
    const chunkCount = b.nums[n++]!;
    const chunks: ChunkSpec[] = [];
    for (let c = 0; c < chunkCount; c++) {
      const startLine = b.nums[n++]!;
      const endLine = b.nums[n++]!;
      const tokens = b.nums[n++]!;
      const hasSymbol = b.nums[n++] === 1;
      const nameCount = b.nums[n++]!;
      const spec: ChunkSpec = { startLine, endLine, tokens };
      if (hasSymbol) spec.symbol = b.strings[s++]!;
      if (nameCount >= 0) {
        spec.names = b.strings.slice(s, s + nameCount);
        s += nameCount;
      }
      chunks.push(spec);
    }
    const identCount = b.nums[n++]!;
    const occCount = b.nums[n++]!;
    const result: ChunkResult = { chunks, method: METHODS[method]! };
    if (identCount >= 0) {
      result.identifiers = {
        table,
        refs: b.refs.subarray(r, r + identCount),
        occurrences: b.occurrences.subarray(o, o + occCount),
        offsets: b.offsets.subarray(f, f + chunkCount + 1),
      };
      r += identCount;
      o += occCount;
      f += chunkCount + 1;
    }
    out.push(result);
  }
  for (const [i, d] of b.docs ?? []) {
    const r = out[i];
    if (!r || r instanceof Error) continue;
    if (d.text !== undefined) r.text = d.text;
    if (d.unreadable) r.unreadable = d.unreadable;
    if (d.partial) r.partial = d.partial;
    r.chunks = r.chunks.map((c, j) => withPlace(c, d.places[j]));
  }
  return out;
}

function withPlace(c: ChunkSpec, p: ChunkPlace | undefined): ChunkSpec {
  if (!p || p.lineOffset === undefined) return c;
  return { ...c, ...(p.page ? { page: p.page, pages: p.pages } : {}), ...(p.cell ? { cell: p.cell } : {}), lineOffset: p.lineOffset };
}
