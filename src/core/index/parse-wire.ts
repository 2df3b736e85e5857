// How batches of chunk requests and results cross between the main thread and a parse worker.
// Structured cloning costs per object and per property, so a batch travels as a few flat
// arrays: numbers in one Int32Array (transferred, not copied) and strings in one string array,
// in a fixed order. On the index's side a batch's chunk specs go into one frame of columns
// (spec-columns.ts), which its contents share for as long as they live.
import type { ChunkRequest, ChunkResult } from './chunker';
import type { ChunkSpec } from './chunk-types';
import type { ChunkIdentifiers, IdentInterner, IdentTable } from './terms';
import { readSpec, SPEC_ROW, SpecFrameWriter, StoredSpecs, writeSpec } from './spec-columns';

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

/**
 * A result as the index's thread receives it: its chunk specs stay in the batch's columns
 * (StoredSpecs) until something asks for them, as a content read from the cache does. A build
 * of a 105k-file tree held 363k spec objects, their name lists and strings.
 */
export type ReceivedResult = Omit<ChunkResult, 'chunks'> & { chunks: readonly ChunkSpec[] | StoredSpecs };
/** What a document result adds: its derived text, notes, and each chunk's page or cell. */
type DocumentResult = Pick<ChunkResult, 'text' | 'unreadable' | 'partial'> & { places: ChunkPlace[] };

export interface ResultBatch {
  id: number;
  nums: Int32Array;
  strings: string[];
  /**
   * Identifiers, each once: first those the worker's table gained with this batch (its entries
   * identsFrom..sharedIdents), then any of results with tables of their own (numbered from
   * sharedIdents on). A result's are `refs` into the table they extend.
   */
  idents: string[];
  /** How many identifiers the worker's table held before this batch (0: a new table); -1 when the batch has none. */
  identsFrom: number;
  /** How many it holds after. */
  sharedIdents: number;
  refs: Uint32Array;
  uses: Uint32Array;
  counts: Uint32Array;
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
 * Layout of `nums`, per result: method, chunk count, then per chunk its spec's row (writeSpec);
 * then identifier count (-1 for none) and use count. `strings` holds, in the same order, each
 * chunk's strings (writeSpec: a symbol that is its chunk's first name travels and is held once).
 * A result's
 * distinct identifiers are the next identifier-count entries of `refs`, indices into the
 * worker's table (or past it, into the batch's other identifiers).
 */
export function encodeResults(id: number, results: readonly (ChunkResult | Error)[], shared?: WorkerIdents): { batch: ResultBatch; transfer: ArrayBuffer[] } {
  const nums: number[] = [];
  const strings: string[] = [];
  // Results that refer to the worker's table (parse-batch.ts) send their refs as they are, and
  // only the identifiers the table gained since its last batch travel; any other result's
  // identifiers are numbered after the table's.
  const sharedTable = shared?.interner.table;
  const base = sharedTable ? sharedTable.idents.length : 0;
  const identsFrom = shared ? shared.sent : -1;
  const idents: string[] = sharedTable ? sharedTable.idents.slice(identsFrom) : [];
  let table: Map<string, number> | undefined;
  const extras: string[] = [];
  const refList: number[] = [];
  let useTotal = 0;
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
    for (const c of r.chunks) writeSpec(c, nums, strings);
    const ids = r.identifiers;
    if (ids && sharedTable && ids.table === sharedTable && ids.refs) {
      nums.push(ids.refs.length, ids.uses.length);
      for (let k = 0; k < ids.refs.length; k++) refList.push(ids.refs[k]!);
      useTotal += ids.uses.length;
      offTotal += ids.offsets.length;
      return;
    }
    const distinct = ids ? identsOf(ids) : undefined;
    nums.push(distinct ? distinct.length : -1, ids ? ids.uses.length : 0);
    if (ids && distinct) {
      table ??= new Map();
      for (const s of distinct) {
        let k = table.get(s);
        if (k === undefined) {
          k = base + extras.length;
          table.set(s, k);
          extras.push(s);
        }
        refList.push(k);
      }
      useTotal += ids.uses.length;
      offTotal += ids.offsets.length;
    }
  });
  const uses = new Uint32Array(useTotal);
  const counts = new Uint32Array(useTotal);
  const offsets = new Uint32Array(offTotal);
  let o = 0;
  let f = 0;
  for (const r of results) {
    if (r instanceof Error || !r.identifiers) continue;
    uses.set(r.identifiers.uses, o);
    counts.set(r.identifiers.counts, o);
    offsets.set(r.identifiers.offsets, f);
    o += r.identifiers.uses.length;
    f += r.identifiers.offsets.length;
  }
  const packed = Int32Array.from(nums);
  const refs = Uint32Array.from(refList);
  for (const e of extras) idents.push(e);
  if (shared) shared.sent = base;
  const batch: ResultBatch = { id, nums: packed, strings, idents, identsFrom, sharedIdents: base, refs, uses, counts, offsets, ...(errors.length ? { errors } : {}), ...(docs.length ? { docs } : {}) };
  return { batch, transfer: [packed.buffer, refs.buffer, uses.buffer, counts.buffer, offsets.buffer] };
}

/** A parse worker's identifier table (its interner's) and how much of it its batches have sent so far. */
export interface WorkerIdents {
  readonly interner: IdentInterner;
  sent: number;
}

/** The main thread's copy of one worker's table, as its batches extend it (one per worker, in the order they come). */
export interface ReceivedIdents {
  table?: IdentTable;
}

/**
 * The table a batch's results refer to: the worker's, extended with the identifiers it gained,
 * plus (in a copy) the batch's other identifiers. Undefined when the batch does not follow on from
 * what came before (a message lost in between): its results then fail rather than name the wrong
 * identifiers.
 */
function receiveIdents(b: ResultBatch, received: ReceivedIdents): IdentTable | undefined {
  let shared: IdentTable | undefined;
  let gained = 0;
  if (b.identsFrom >= 0) {
    if (b.identsFrom === 0) received.table = { idents: [] };
    shared = received.table;
    if (!shared || shared.idents.length !== b.identsFrom) return undefined;
    gained = b.sharedIdents - b.identsFrom;
    for (let k = 0; k < gained; k++) (shared.idents as string[]).push(b.idents[k]!);
  }
  if (b.idents.length === gained) return shared ?? { idents: [] };
  return { idents: (shared ? shared.idents : []).concat(b.idents.slice(gained)) };
}

/** A result's distinct identifiers, in the order its uses refer to them. */
function identsOf(ids: ChunkIdentifiers): readonly string[] {
  const { table, refs } = ids;
  return refs ? Array.from(refs, (k) => table.idents[k]!) : table.idents;
}

/** `received`: the worker's table as this thread knows it (kept per worker across its batches; a batch that starts a table needs none). */
export function decodeResults(b: ResultBatch, count: number, received: ReceivedIdents = {}): (ReceivedResult | Error)[] {
  const failed = new Map(b.errors ?? []);
  const docs = new Map(b.docs ?? []);
  const out: (ReceivedResult | Error)[] = [];
  // The batch's specs, one frame for all its results (documents' excepted: theirs carry places).
  const frame = new SpecFrameWriter();
  const stored: [ReceivedResult, number][] = [];
  let n = 0;
  const string = { next: 0 };
  let r = 0;
  let o = 0;
  let f = 0;
  const table = receiveIdents(b, received);
  if (!table) {
    const err = new Error(`parse worker's identifiers out of step: its batch continues a table of ${b.identsFrom} identifiers, this thread holds ${received.table?.idents.length ?? 0}`);
    return Array.from({ length: count }, () => err);
  }
  for (let i = 0; i < count; i++) {
    const method = b.nums[n++]!;
    if (method === -1) {
      out.push(new Error(failed.get(i) ?? 'parse worker failed'));
      continue;
    }
    const chunkCount = b.nums[n++]!;
    const result: ReceivedResult = { chunks: [], method: METHODS[method]! };
    const index = frame.count;
    const doc = docs.get(i);
    if (!doc && frame.addRows(b.nums, n, chunkCount, b.strings, string)) stored.push([result, index]);
    else {
      const chunks: ChunkSpec[] = [];
      for (let c = 0; c < chunkCount; c++) chunks.push(readSpec(b.nums, n + c * SPEC_ROW, b.strings, string));
      result.chunks = doc ? chunks.map((c, j) => withPlace(c, doc.places[j])) : chunks;
      if (doc?.text !== undefined) result.text = doc.text;
      if (doc?.unreadable) result.unreadable = doc.unreadable;
      if (doc?.partial) result.partial = doc.partial;
    }
    n += chunkCount * SPEC_ROW;
    const identCount = b.nums[n++]!;
    const useCount = b.nums[n++]!;
    if (identCount >= 0) {
      result.identifiers = {
        table,
        refs: b.refs.subarray(r, r + identCount),
        uses: b.uses.subarray(o, o + useCount),
        counts: b.counts.subarray(o, o + useCount),
        offsets: b.offsets.subarray(f, f + chunkCount + 1),
      };
      r += identCount;
      o += useCount;
      f += chunkCount + 1;
    }
    out.push(result);
  }
  if (stored.length) {
    const specs = frame.frame();
    for (const [result, index] of stored) result.chunks = new StoredSpecs(specs, index);
  }
  return out;
}

function withPlace(c: ChunkSpec, p: ChunkPlace | undefined): ChunkSpec {
  if (!p || p.lineOffset === undefined) return c;
  return { ...c, ...(p.page ? { page: p.page, pages: p.pages } : {}), ...(p.cell ? { cell: p.cell } : {}), lineOffset: p.lineOffset };
}
