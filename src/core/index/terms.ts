// How text becomes search terms, the same way for code, paths and questions: identifiers are
// kept whole and also split into their words (`parseHTTPResponse` -> parsehttpresponse, parse,
// http, response; `max_file_bytes` -> max_file_bytes, max, file, bytes), lower-cased, with a
// light plural stemmer so "reports" finds `report`. Very common English and keyword noise is dropped.
import { grown } from './typed-arrays';

const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so such than that the their them then there these they this those to too us was we ' +
    'were what when where which while who why will with would you your also just like only very get got use used ' +
    'using should want need one two any all some more most other same here now out up way see seems still ' +
    // keywords that carry no meaning of their own in ranking
    'self def return import const let var function class public private protected static void new else elif ' +
    'true false none null undefined end fn func pass').split(' '),
);


export function stem(word: string): string {
  const n = word.length;
  if (n > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (n > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

/** Words of one identifier: camelCase, PascalCase, ACRONYMCase, snake_case, kebab, digits. */
export function splitIdentifier(ident: string): string[] {
  return isAscii(ident) ? splitAscii(ident) : splitByPatterns(ident);
}

/** The definition of splitIdentifier's words, as patterns (any text). */
export function splitByPatterns(ident: string): string[] {
  return ident
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])/)
    .filter((w) => w.length > 0);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

// Character kinds for splitAscii.
const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const kindOf = (c: number): number => (c >= 65 && c <= 90 ? UPPER : c >= 97 && c <= 122 ? LOWER : c >= 48 && c <= 57 ? DIGIT : OTHER);

/**
 * splitByPatterns' words of an ASCII identifier in one pass, without its three regular
 * expressions (a new identifier costs the index's thread ~0.5 us there, ~32k times per cold build
 * of prettier). A word ends at anything not a letter or digit, and before a capital that follows
 * a lower-case letter or digit, before a digit that follows a letter, and before the last capital
 * of a run of them that a lower-case letter follows (`HTTPResponse`: HTTP, Response).
 */
function splitAscii(ident: string): string[] {
  const words: string[] = [];
  const n = ident.length;
  let start = -1;
  let prev = OTHER;
  for (let i = 0; i < n; i++) {
    const kind = kindOf(ident.charCodeAt(i));
    if (kind === OTHER) {
      if (start >= 0) words.push(ident.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
    else if (
      (kind === UPPER && (prev === LOWER || prev === DIGIT)) ||
      (kind === DIGIT && (prev === UPPER || prev === LOWER)) ||
      (kind === UPPER && prev === UPPER && i + 1 < n && kindOf(ident.charCodeAt(i + 1)) === LOWER)
    ) {
      words.push(ident.slice(start, i));
      start = i;
    }
    prev = kind;
  }
  if (start >= 0) words.push(ident.slice(start));
  return words;
}

function keep(term: string): boolean {
  return term.length >= 2 && term.length <= 48 && !STOP.has(term);
}

/** Terms of one identifier; memoised, because code repeats the same identifiers endlessly. */
const identTerms = new Map<string, readonly string[]>();
const IDENT_CACHE_MAX = 100_000;

export function termsOfIdentifier(ident: string): readonly string[] {
  let terms = identTerms.get(ident);
  if (terms) return terms;
  terms = computeTermsOfIdentifier(ident);
  if (identTerms.size >= IDENT_CACHE_MAX) identTerms.clear();
  identTerms.set(ident, terms);
  return terms;
}

const isEdgeMark = (c: number): boolean => c === 95 || c === 36; // _ $

/** termsOfIdentifier without its memo, for a caller that keeps its own (the lexical index's). */
export function computeTermsOfIdentifier(ident: string): readonly string[] {
  const parts = splitIdentifier(ident);
  if (parts.length <= 1) {
    const bare = isEdgeMark(ident.charCodeAt(0)) || isEdgeMark(ident.charCodeAt(ident.length - 1)) ? ident.replace(/^[_$]+|[_$]+$/g, '') : ident;
    const t = stem(bare.toLowerCase());
    return keep(t) ? [t] : [];
  }
  const out: string[] = [];
  const whole = ident.toLowerCase();
  if (keep(whole)) out.push(whole);
  for (const p of parts) {
    const t = stem(p.toLowerCase());
    if (keep(t)) out.push(t);
  }
  // At most 15 terms per identifier (the lexical index packs the count in 4 bits).
  return out.length > 15 ? out.slice(0, 15) : out;
}

/**
 * How many words a compound identifier's whole term stands for (`parseHTTPResponse`: 3, its
 * whole term `parsehttpresponse` first in termsOfIdentifier's list); 0 when the identifier is one
 * word or its whole term is not kept.
 */
export function compoundWords(ident: string, terms: readonly string[] = termsOfIdentifier(ident)): number {
  return terms.length > 1 && terms[0] === ident.toLowerCase() ? terms.length - 1 : 0;
}

/** Longer "identifiers" are base64 blobs and the like. */
const MAX_IDENTIFIER = 96;

/** ASCII character classes: 1 may start an identifier (`[A-Za-z_$]`), 2 may only continue one (`[0-9]`). */
const IDENT_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) IDENT_CLASS[c] = 1;
  else if (c >= 48 && c <= 57) IDENT_CLASS[c] = 2;
}
const isIdentStart = (c: number): boolean => c < 128 && IDENT_CLASS[c] === 1;
const isIdentPart = (c: number): boolean => c < 128 && IDENT_CLASS[c]! > 0;

/**
 * Calls `emit` for every identifier of `text` (ASCII `[A-Za-z_$][A-Za-z0-9_$]*`, at most 96
 * characters). A hand-written scanner: the regex equivalent allocates a match per identifier.
 */
export function scanIdentifiers(text: string, emit: (ident: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isIdentStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isIdentPart(text.charCodeAt(j))) j++;
    if (j - i <= MAX_IDENTIFIER) emit(text.slice(i, j));
    i = j;
  }
}

/** Calls `emit` for every term of `text`, whole identifiers and their parts. */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  scanIdentifiers(text, (ident) => {
    const terms = termsOfIdentifier(ident);
    for (let i = 0; i < terms.length; i++) emit(terms[i]!);
  });
}

/**
 * Distinct identifiers, each mapped once to its term ids by the lexical index, which keeps that
 * mapping on the table (`resolved`). A file's own, or a parse worker's, shared by the files of
 * all its batches: files of one project repeat each other's identifiers (on prettier, 2.2x fewer
 * distinct identifiers per worker than per batch of 64, and 2.3x fewer per batch than per file).
 * A table only grows: identifiers keep their index, and `resolved` covers the first `count`.
 */
export interface IdentTable {
  readonly idents: readonly string[];
  resolved?: ResolvedIdents;
}

/** Identifier k's term ids are ids[start[k]..start[k+1]), for k < count (the arrays may be longer). */
export interface ResolvedIdents {
  readonly owner: object;
  ids: Int32Array;
  start: Uint32Array;
  count: number;
}

/**
 * The identifiers of each chunk of a file, compactly: the file's distinct identifiers once, and
 * per chunk the identifiers it uses, each once with how often it occurs there. Computed in the
 * parse worker so the main thread only maps each distinct identifier to its terms, and counts a
 * chunk's term frequencies per identifier, not per occurrence (code repeats its names: on
 * prettier/prettier 1.69M occurrences are 622k uses).
 */
export interface ChunkIdentifiers {
  table: IdentTable;
  /** The file's distinct identifiers as indices into a shared `table`; absent when the table is the file's own. */
  refs?: Uint32Array;
  /** The identifiers each chunk uses, in the order they first occur in it, chunks concatenated: indices into the file's distinct identifiers. */
  uses: Uint32Array;
  /** How often each entry of `uses` occurs in its chunk. */
  counts: Uint32Array;
  /** Chunk c's uses are offsets[c]..offsets[c+1]. */
  offsets: Uint32Array;
}

/**
 * Distinct identifiers, each stored once, in an open-addressing table keyed by a hash of the
 * identifier's bytes computed while scanning (see identifiersOfChunks). One serves a whole parse
 * batch, so the files of a batch share one table (`table`) as the wire sends it.
 */
export class IdentInterner {
  /** The identifiers in first-seen order, as the table a batch's results share. */
  table: IdentTable = { idents: [] };
  // Small at first, for the same reason as the scan's buffers (see scanBuffer below): the grow
  // paths run early, before V8 optimises the scan.
  private count = 0;
  private hashes = new Int32Array(16);
  private starts = new Int32Array(16);
  private lengths = new Uint8Array(16);
  /** Every distinct identifier's bytes, back to back. */
  private pool = new Uint8Array(256);
  private poolUsed = 0;
  private slots = new Int32Array(32).fill(-1);
  private mask = 32 - 1;

  /** The index of the identifier `bytes[start, end)`, whose bytes hash to `h`. */
  intern(bytes: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    let s = h & this.mask;
    for (let k = this.slots[s]!; k !== -1; k = this.slots[s]!) {
      if (this.hashes[k] === h && this.lengths[k] === len && this.sameBytes(this.starts[k]!, bytes, start, len)) return k;
      s = (s + 1) & this.mask;
    }
    return this.add(bytes, start, len, h, s);
  }

  private sameBytes(at: number, bytes: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    for (let q = 0; q < len; q++) if (pool[at + q] !== bytes[start + q]) return false;
    return true;
  }

  private add(bytes: Uint8Array, start: number, len: number, h: number, slot: number): number {
    const k = this.count++;
    if (k === this.hashes.length) {
      this.hashes = grown(this.hashes, new Int32Array(k * 2));
      this.starts = grown(this.starts, new Int32Array(k * 2));
      this.lengths = grown(this.lengths, new Uint8Array(k * 2));
    }
    if (this.poolUsed + len > this.pool.length) this.pool = grown(this.pool, new Uint8Array(this.pool.length * 2 + len));
    const ident = bytes.subarray(start, start + len);
    this.pool.set(ident, this.poolUsed);
    this.hashes[k] = h;
    this.starts[k] = this.poolUsed;
    this.lengths[k] = len;
    this.poolUsed += len;
    (this.table.idents as string[]).push(String.fromCharCode.apply(null, ident as unknown as number[]));
    this.slots[slot] = k;
    if (this.count * 2 > this.slots.length) this.rehash();
    return k;
  }

  /** Empties the interner for reuse; the table handed out so far stays the caller's. */
  reset(): void {
    this.table = { idents: [] };
    this.count = 0;
    this.poolUsed = 0;
    if (this.slots.length > 1 << 14) {
      this.slots = new Int32Array(1 << 12);
      this.mask = (1 << 12) - 1;
    }
    this.slots.fill(-1);
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let k = 0; k < this.count; k++) {
      let s = this.hashes[k]! & this.mask;
      while (this.slots[s] !== -1) s = (s + 1) & this.mask;
      this.slots[s] = k;
    }
  }
}

/** ASCII byte classes for the byte scanner: 1 starts an identifier (`[A-Za-z_$]`), 2 only continues one (`[0-9]`). */
const BYTE_CLASS = new Uint8Array(256);
for (let c = 0; c < 128; c++) BYTE_CLASS[c] = IDENT_CLASS[c]!;
const utf8 = new TextEncoder();
/** The scan's byte buffer, kept between calls up to this size (a bigger text gets one of its own). */
const KEPT_BUFFER_BYTES = 4 << 20;

// The scan's buffers live between calls and start small on purpose: their grow paths then run
// in a process's first calls, so V8's optimised code for the scan has seen them and is not
// thrown away (deoptimised, later recompiled) the first time a big file makes one grow. In the
// parse workers that churn had the scan running unoptimised for most of a cold index.
let scanBuffer = new Uint8Array(64);
/** The current call's uses (see ChunkIdentifiers) and their counts, so far. */
let uses = new Uint32Array(64);
let counts = new Uint32Array(64);
let usesUsed = 0;
/** Per file-local identifier, the chunk that last used it (valid where it equals `chunkStamp`) and where in `uses`. */
let usedInChunk = new Int32Array(64);
let useAt = new Int32Array(64);
let chunkStamp = 0;
/** The interner of texts that share no batch table, reused call after call. */
const ownTable = new IdentInterner();
/** Per call, the file's own index of each identifier of a shared table (valid where `seenIn` is the call's stamp). */
let localOf = new Int32Array(64);
let seenIn = new Int32Array(64);
let stamp = 0;
/** The current call's distinct identifiers, as indices into the shared table. */
let refs = new Uint32Array(64);
let refsUsed = 0;

/**
 * The identifiers of each chunk of a file. The texts are scanned as UTF-8 bytes (an identifier is
 * ASCII, so it is the same in either form): a typed array reads much faster than a string's
 * characters, and an occurrence already seen costs a probe and a byte compare, never a substring,
 * a string hash or a Map lookup. With `shared`, the identifiers go into that batch-wide table and
 * the result refers to it (`refs`); without, the file has a table of its own.
 */
export function identifiersOfChunks(texts: readonly string[], shared?: IdentInterner): ChunkIdentifiers {
  const interner = shared ?? ownTable;
  if (!shared) interner.reset();
  if (++stamp === 2 ** 30) {
    seenIn.fill(0);
    stamp = 1;
  }
  usesUsed = 0;
  refsUsed = 0;
  const count = texts.length;
  const offsets = new Uint32Array(count + 1);
  for (let c = 0; c < count; c++) {
    offsets[c] = usesUsed;
    if (++chunkStamp === 2 ** 30) {
      usedInChunk.fill(0);
      chunkStamp = 1;
    }
    const text = texts[c]!;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const bytes = scanBufferFor(text.length * 3);
    scanBytes(bytes, utf8.encodeInto(text, bytes).written, interner, shared !== undefined);
  }
  offsets[count] = usesUsed;
  // One shape for every result (refs or not): the lexical index reads them in one place.
  return { table: interner.table, refs: shared ? refs.slice(0, refsUsed) : undefined, uses: uses.slice(0, usesUsed), counts: counts.slice(0, usesUsed), offsets };
}

function scanBufferFor(size: number): Uint8Array {
  if (scanBuffer.length >= size) return scanBuffer;
  const bytes = new Uint8Array(Math.max(size, scanBuffer.length * 2));
  if (bytes.length <= KEPT_BUFFER_BYTES) scanBuffer = bytes;
  return bytes;
}

/**
 * Adds the identifiers of `bytes[0, end)`, one chunk's text, to its uses (`uses`, `counts`): as
 * table indices, or with `shared`, as the call's own indices (`refs`).
 */
function scanBytes(bytes: Uint8Array, end: number, interner: IdentInterner, shared: boolean): void {
  const file = stamp;
  const chunk = chunkStamp;
  let n = usesUsed;
  let i = 0;
  while (i < end) {
    const first = bytes[i]!;
    if (BYTE_CLASS[first] !== 1) {
      i++;
      continue;
    }
    // FNV-1a over the identifier's bytes.
    let h = Math.imul(2166136261 ^ first, 16777619);
    let j = i + 1;
    while (j < end && BYTE_CLASS[bytes[j]!]! > 0) h = Math.imul(h ^ bytes[j++]!, 16777619);
    if (j - i <= MAX_IDENTIFIER) {
      let k = interner.intern(bytes, i, j, h);
      if (shared) {
        if (k >= seenIn.length) growSeen(k + 1);
        if (seenIn[k] !== file) {
          seenIn[k] = file;
          if (refsUsed === refs.length) refs = grown(refs, new Uint32Array(refsUsed * 2));
          localOf[k] = refsUsed;
          refs[refsUsed++] = k;
        }
        k = localOf[k]!;
      }
      // k is now the file's own index of the identifier: one use per chunk, counted.
      if (k >= usedInChunk.length) growUsed(k + 1);
      if (usedInChunk[k] === chunk) counts[useAt[k]!]!++;
      else {
        if (n === uses.length) {
          uses = grown(uses, new Uint32Array(n * 2));
          counts = grown(counts, new Uint32Array(n * 2));
        }
        usedInChunk[k] = chunk;
        useAt[k] = n;
        uses[n] = k;
        counts[n++] = 1;
      }
    }
    i = j;
  }
  usesUsed = n;
}

function growUsed(size: number): void {
  const to = Math.max(size, usedInChunk.length * 2);
  usedInChunk = grown(usedInChunk, new Int32Array(to));
  useAt = grown(useAt, new Int32Array(to));
}

function growSeen(size: number): void {
  const to = Math.max(size, seenIn.length * 2);
  seenIn = grown(seenIn, new Int32Array(to));
  localOf = grown(localOf, new Int32Array(to));
}

/** Term -> count. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  forEachTerm(text, (t) => counts.set(t, (counts.get(t) ?? 0) + 1));
  return counts;
}

export function termSet(text: string): Set<string> {
  const s = new Set<string>();
  forEachTerm(text, (t) => s.add(t));
  return s;
}
