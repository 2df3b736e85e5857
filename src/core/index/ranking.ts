// Ranking policy over the live index: the lexical scores, per-file priors (a file the question
// names, supporting files after code), chunks to files, and the path filters of a search.
import { Minimatch } from 'minimatch';
import type { Chunk, ChunkHit, FileHit, SearchOptions } from './types';
import type { ScoreResult } from './lexical';
import { parseQuery } from './query';
import type { FileTable } from './file-table';
import { SECONDARY_FILE_PRIOR } from './ranking-priors';

export { isSecondaryPath } from './ranking-priors';

/** The score multiplier for chunks of a file the question names. */
const MENTIONED_FILE_BOOST = 1.5;
const FILE_AGGREGATE_DECAY = [1, 0.5, 0.25];

function scoreChunks(table: FileTable, query: string, options: SearchOptions): ScoreResult {
  const parsed = parseQuery(query);
  const allowed = pathFilter(options);
  const names = new Set(parsed.fileNames);
  const fileAllowed = allowed ? (f: number) => allowed(table.bySlot[f]?.path ?? '') : undefined;
  // Priors per file: a question that names a file ("in skipping.py") points at it; tests and
  // docs mostly restate what the code does, so on equal evidence the code itself ranks first.
  const fileBoost = (f: number) => {
    const r = table.bySlot[f];
    if (!r) return 1;
    const base = r.path.slice(r.path.lastIndexOf('/') + 1).toLowerCase();
    return (names.has(base) ? MENTIONED_FILE_BOOST : 1) * (r.secondary ? SECONDARY_FILE_PRIOR : 1);
  };
  return table.lexical.score(parsed.terms, fileAllowed, fileBoost);
}

function hit(table: FileTable, slot: number, score: number): ChunkHit {
  const r = table.bySlot[table.lexical.fileOfSlot(slot)]!;
  return { chunk: table.chunksOf(r)[r.chunkSlots.indexOf(slot)]!, score };
}

const byScoreThenId = (a: ChunkHit, b: ChunkHit): number => b.score - a.score || compareIds(a.chunk, b.chunk);

export function searchChunks(table: FileTable, query: string, options: SearchOptions = {}): ChunkHit[] {
  const k = Math.max(0, options.top ?? 10);
  const r = scoreChunks(table, query, options);
  const best = topIndices(r.scores, r.n, k);
  return best.map((i) => hit(table, r.slots[i]!, r.scores[i]!)).sort(byScoreThenId);
}

export function searchFiles(table: FileTable, query: string, options: SearchOptions = {}): FileHit[] {
  const k = Math.max(0, options.top ?? 10);
  const r = scoreChunks(table, query, options);
  const lexical = table.lexical;
  // A file's score: its best chunk, plus a decaying share of the next two (evidence spread
  // over a file counts, but a long file does not win by size alone). Top 3 kept per file.
  const nf = table.nextFileSlot;
  const t1 = new Float64Array(nf);
  const t2 = new Float64Array(nf);
  const t3 = new Float64Array(nf);
  const files: number[] = [];
  for (let i = 0; i < r.n; i++) {
    const f = lexical.fileOfSlot(r.slots[i]!);
    const v = r.scores[i]!;
    if (t1[f] === 0) files.push(f);
    if (v > t1[f]!) {
      t3[f] = t2[f]!;
      t2[f] = t1[f]!;
      t1[f] = v;
    } else if (v > t2[f]!) {
      t3[f] = t2[f]!;
      t2[f] = v;
    } else if (v > t3[f]!) t3[f] = v;
  }
  const fileScores = new Float64Array(files.length);
  for (let j = 0; j < files.length; j++) {
    const f = files[j]!;
    fileScores[j] = t1[f]! * FILE_AGGREGATE_DECAY[0]! + t2[f]! * FILE_AGGREGATE_DECAY[1]! + t3[f]! * FILE_AGGREGATE_DECAY[2]!;
  }
  const chosen = topIndices(fileScores, files.length, k);
  const perFile = new Map<number, ChunkHit[]>(chosen.map((j) => [files[j]!, []]));
  // Mark the chosen files (t1 is reused as the mark) so the pass below skips the rest cheaply.
  for (const f of files) t1[f] = 0;
  for (const j of chosen) t1[files[j]!] = 1;
  for (let i = 0; i < r.n; i++) {
    const f = lexical.fileOfSlot(r.slots[i]!);
    if (t1[f] === 1) perFile.get(f)!.push(hit(table, r.slots[i]!, r.scores[i]!));
  }
  const out: FileHit[] = chosen.map((j) => {
    const f = files[j]!;
    const chunks = perFile.get(f)!.sort(byScoreThenId).slice(0, 5);
    return { path: table.bySlot[f]!.path, score: fileScores[j]!, chunks };
  });
  return out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function compareIds(a: Chunk, b: Chunk): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine;
}

/**
 * Indices of the k largest of scores[0..n), in no particular order: a size-k min-heap, so a
 * query over 100k matching chunks costs O(n log k) and allocates only the result.
 */
function topIndices(scores: Float64Array<ArrayBufferLike>, n: number, k: number): number[] {
  if (k <= 0 || n <= 0) return [];
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const heap = new Int32Array(k);
  let size = 0;
  const less = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(heap[l]!, heap[m]!)) m = l;
      if (r < size && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (size < k) {
      heap[size] = i;
      for (let c = size++; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!less(heap[c]!, heap[p]!)) break;
        const t = heap[c]!;
        heap[c] = heap[p]!;
        heap[p] = t;
        c = p;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  return Array.from(heap.subarray(0, size));
}

function pathFilter(options: SearchOptions): ((path: string) => boolean) | undefined {
  const globs = (options.globs ?? []).filter((g) => g.trim()).map((g) => new Minimatch(g, { dot: true, matchBase: !g.includes('/') }));
  const scope = (options.scope ?? []).map((s) => s.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '')).filter((s) => s !== undefined);
  const everywhere = scope.some((s) => s === '');
  if (globs.length === 0 && (scope.length === 0 || everywhere)) return undefined;
  return (path: string) =>
    (globs.length === 0 || globs.some((m) => m.match(path))) &&
    (scope.length === 0 || everywhere || scope.some((s) => path === s || path.startsWith(s + '/')));
}
