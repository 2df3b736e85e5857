// The on-disk cache. One file per workspace configuration (roots + options), written
// atomically (temp file + rename) with v8 serialisation. It records, per path, the stat that was
// seen and the content hash, and per content hash the chunk ranges and the text — so a reopen
// re-reads nothing whose stat is unchanged, and a renamed or copied file is never re-parsed.
// Texts are stored as raw UTF-8 beside the frames and are not read on open (see content.ts).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import type { ChunkSpec } from './chunk-types';
import { CacheFileRef, IndexedContent, textSum, type TextPlace } from './content';
import type { LexicalSnapshot } from './lexical';
import { SpecFrameWriter, StoredSpecs, type SpecFrame } from './spec-columns';

/** Bump when chunking, term extraction or this layout changes so old caches are rebuilt, not trusted. */
export const CACHE_FORMAT = 10;

export type CachedContent = IndexedContent;

export interface CachedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
}

/** A file as the live index held it: with its slots, so the saved lexical index lines up. */
export interface CachedRecord extends CachedFile {
  readonly root: number;
  readonly rel: string;
  readonly slot: number;
  readonly chunkSlots: number[];
}

/** A file left out for its content, and the stat it had: unchanged, it is not read again. */
export interface CachedSkip {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly reason: 'binary' | 'minified' | 'unreadable-document';
  /** A document left out: why, and what to do (encrypted, broken, image-only PDF). */
  readonly note?: { reason: string; hint: string };
}

export interface CacheSnapshot {
  readonly format: number;
  readonly key: string;
  readonly files: CachedFile[];
  /** hash -> content */
  readonly contents: Map<string, CachedContent>;
  /** The live index itself (records + lexical index), so a reopen re-tokenises nothing. */
  readonly live?: { records: CachedRecord[]; lexical: LexicalSnapshot; nextFileSlot: number };
  readonly skipped?: CachedSkip[];
  /** The file the snapshot was read from (contents read their texts back from it). */
  readonly file: CacheFileRef;
}

export function cacheKey(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, `index-${key}.v${CACHE_FORMAT}.bin`);
}

// File layout: a sequence of frames, each a 4-byte little-endian length and a v8-serialised
// value. First the header {format, key, files, live?, skipped?, batches, rawMarks} and its big
// typed arrays raw (see RAW_ARRAY_BYTES); then `batches` content frames (ContentFrame) each
// followed by `textBytes` bytes: the UTF-8 texts of the frame's contents, in order, each `lens[i]`
// long. A derived text (PDF, notebook) is kept in the frame instead. Writing frame by frame keeps
// the memory a save needs to one batch; reading skips the text bytes, which are read back per
// content when needed.
const CONTENT_BATCH = 500;

/**
 * A frame's contents in columns, not an object per content and per chunk: a reopen deserialises
 * a few arrays and strings per frame, and a content's specs stay stored until asked for
 * (spec-columns.ts).
 */
interface ContentFrame {
  /** Joined by NUL. */
  hashes: string;
  languages: string[];
  languageOf: Uint16Array;
  /** Bytes of text after the frame; -1 for a derived text, which is in `texts`. */
  lens: Float64Array;
  /** The texts' checksums, joined by NUL. */
  sums: string;
  notes: [number, { reason: string; hint: string }][];
  texts: [number, string][];
  specs: SpecFrame;
  /** Contents whose specs are stored as objects (documents: page and cell places). */
  objectSpecs: [number, readonly ChunkSpec[]][];
  textBytes: number;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Writes `parts` back to back, a few hundred to a system call (a frame's texts were one call each). */
function writeAllOf(fd: number, parts: readonly Uint8Array[]): void {
  const GROUP = 256;
  for (let i = 0; i < parts.length; i += GROUP) {
    const group = parts.slice(i, i + GROUP);
    let skip = writevSync(fd, group);
    // A short write: the rest piece by piece.
    for (const p of group) {
      if (skip >= p.length) {
        skip -= p.length;
        continue;
      }
      writeAll(fd, p.subarray(skip));
      skip = 0;
    }
  }
}

function writeFrame(fd: number, value: unknown): number {
  const body = serialize(value);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length, 0);
  writeAll(fd, len);
  writeAll(fd, body);
  return 4 + body.length;
}

// Typed arrays of the header past this size are written raw after it, not through the
// serialiser: serialising copies them into one buffer (~100 MB transient at 100k files), and
// deserialising copies them out again. Read back, each is read straight into its own array. (In
// the machine's byte order: a cache never leaves the machine that wrote it.)
const RAW_ARRAY_BYTES = 64 * 1024;
const RAW_TYPES = { Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array } as const;
type RawType = keyof typeof RAW_TYPES;
interface RawMark {
  raw: number;
  type: RawType;
  length: number;
}

/** A copy of `value` with its big typed arrays replaced by marks, and those arrays in order. */
function pullRaw(value: unknown, out: ArrayBufferView[]): unknown {
  if (ArrayBuffer.isView(value)) {
    const type = value.constructor.name as RawType;
    if (value.byteLength < RAW_ARRAY_BYTES || !(type in RAW_TYPES)) return value;
    out.push(value);
    return { raw: out.length - 1, type, length: (value as Uint8Array).length } satisfies RawMark;
  }
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = pullRaw(v, out);
  return copy;
}

/**
 * Puts the raw arrays back in place of their marks, reading each from the file as its mark comes:
 * the marks are met in the order pullRaw() made them, which is the order the arrays were written.
 */
function putRaw(value: unknown, readNext: (mark: RawMark) => ArrayBufferView): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const mark = value as Partial<RawMark>;
  if (typeof mark.raw === 'number' && typeof mark.type === 'string' && Object.keys(value).length === 3) return readNext(mark as RawMark);
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) obj[k] = putRaw(obj[k], readNext);
  return obj;
}

/** The header frame, then its raw arrays. Returns the bytes written. */
function writeHeader(fd: number, head: Record<string, unknown>): number {
  const arrays: ArrayBufferView[] = [];
  const marked = pullRaw(head, arrays) as Record<string, unknown>;
  let at = writeFrame(fd, { ...marked, rawMarks: arrays.length });
  for (const a of arrays) {
    writeAll(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    at += a.byteLength;
  }
  return at;
}

function readHeader(fd: number, pos: { at: number }, size: number): Record<string, unknown> {
  const marked = readFrame(fd, pos, size) as Record<string, unknown> & { rawMarks?: number };
  if (!marked || typeof marked !== 'object') throw new Error('damaged cache');
  let read = 0;
  const head = putRaw(marked, (m) => {
    const Ctor = RAW_TYPES[m.type];
    if (m.raw !== read++ || !Ctor || !Number.isInteger(m.length) || m.length < 0) throw new Error('damaged cache');
    const a = new Ctor(m.length);
    const bytes = new Uint8Array(a.buffer);
    if (pos.at + bytes.length > size) throw new Error('truncated cache');
    for (let got = 0; got < bytes.length; ) {
      const n = readSync(fd, bytes, got, bytes.length - got, pos.at + got);
      if (n === 0) throw new Error('truncated cache');
      got += n;
    }
    pos.at += bytes.length;
    return a;
  }) as Record<string, unknown>;
  if (read !== (marked.rawMarks ?? 0)) throw new Error('damaged cache');
  return head;
}

function readFrame(fd: number, pos: { at: number }, size: number): unknown {
  const len = Buffer.alloc(4);
  if (pos.at + 4 > size || readSync(fd, len, 0, 4, pos.at) !== 4) throw new Error('truncated cache');
  const n = len.readUInt32LE(0);
  if (pos.at + 4 + n > size) throw new Error('truncated cache');
  const body = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) got += readSync(fd, body, got, n - got, pos.at + 4 + got);
  pos.at += 4 + n;
  return deserialize(body);
}

/** Reads a snapshot; a missing, older or damaged cache is simply absent (the index rebuilds it). */
/** The size of the cache file readSnapshot would read, 0 if there is none. */
export function snapshotBytes(cacheDir: string, key: string): number {
  try {
    return statSync(cacheFile(cacheDir, key)).size;
  } catch {
    return 0;
  }
}

export function readSnapshot(cacheDir: string, key: string): CacheSnapshot | undefined {
  let fd: number | undefined;
  const path = cacheFile(cacheDir, key);
  try {
    fd = openSync(path, 'r');
    const file = CacheFileRef.ofOpenFile(path, fd);
    const size = fstatSync(fd).size;
    const pos = { at: 0 };
    const head = readHeader(fd, pos, size) as unknown as Omit<CacheSnapshot, 'contents' | 'file' | 'live'> & { batches: number; live?: Omit<NonNullable<CacheSnapshot['live']>, 'records'> & { records: RecordColumns } };
    if (!head || head.format !== CACHE_FORMAT || head.key !== key || !Array.isArray(head.files)) return undefined;
    const live = head.live ? { ...head.live, records: decodeRecords(head.live.records) } : undefined;
    const contents = new Map<string, CachedContent>();
    for (let b = 0; b < head.batches; b++) {
      const frame = readFrame(fd, pos, size) as ContentFrame;
      const hashes = frame.hashes ? frame.hashes.split('\0') : [];
      const sums = frame.sums.split('\0');
      const notes = new Map(frame.notes);
      const texts = new Map(frame.texts);
      const objectSpecs = new Map(frame.objectSpecs);
      if (frame.lens.length !== hashes.length || frame.specs.rowStarts.length !== hashes.length + 1) throw new Error('damaged cache');
      let at = pos.at;
      for (let i = 0; i < hashes.length; i++) {
        const len = frame.lens[i]!;
        const source = len < 0 ? { text: texts.get(i) ?? '' } : { place: { file, at, len, sum: sums[i] ?? '' } };
        const specs = objectSpecs.get(i) ?? new StoredSpecs(frame.specs, i);
        contents.set(hashes[i]!, new IndexedContent(hashes[i]!, frame.languages[frame.languageOf[i]!]!, specs, source, notes.get(i), len < 0));
        if (len > 0) at += len;
      }
      if (at !== pos.at + frame.textBytes || at > size) throw new Error('damaged cache');
      pos.at = at;
    }
    if (pos.at !== size) throw new Error('damaged cache');
    return { format: head.format, key: head.key, files: head.files, contents, file, ...(live ? { live } : {}), ...(head.skipped ? { skipped: head.skipped } : {}) };
  } catch {
    return undefined; // absent, older or damaged: rebuild
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The records as the cache stores them: a column per field, strings joined by NUL (a path never
 * holds one), instead of an object per file. Deserialising 91k record objects took ~275 ms of a
 * 100k-file reopen; typed arrays and three strings load at memory speed.
 */
interface RecordColumns {
  count: number;
  paths: string;
  /** Absent when every record's rel is its path (a single root). */
  rels?: string;
  hashes: string;
  sizes: Float64Array;
  mtimes: Float64Array;
  roots: Uint16Array;
  slots: Int32Array;
  /** Record i's chunk slots are chunkSlots[chunkStarts[i]..chunkStarts[i+1]). */
  chunkStarts: Uint32Array;
  chunkSlots: Int32Array;
}

function encodeRecords(records: readonly CachedRecord[]): RecordColumns {
  const n = records.length;
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(n);
  const roots = new Uint16Array(n);
  const slots = new Int32Array(n);
  const chunkStarts = new Uint32Array(n + 1);
  let chunks = 0;
  let relsDiffer = false;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    sizes[i] = r.size;
    mtimes[i] = r.mtimeMs;
    roots[i] = r.root;
    slots[i] = r.slot;
    chunkStarts[i] = chunks;
    chunks += r.chunkSlots.length;
    if (r.rel !== r.path) relsDiffer = true;
  }
  chunkStarts[n] = chunks;
  const chunkSlots = new Int32Array(chunks);
  for (let i = 0; i < n; i++) chunkSlots.set(records[i]!.chunkSlots, chunkStarts[i]!);
  const join = (f: (r: CachedRecord) => string) => records.map(f).join('\0');
  return { count: n, paths: join((r) => r.path), ...(relsDiffer ? { rels: join((r) => r.rel) } : {}), hashes: join((r) => r.hash), sizes, mtimes, roots, slots, chunkStarts, chunkSlots };
}

function decodeRecords(c: RecordColumns): CachedRecord[] {
  const split = (s: string) => (c.count ? s.split('\0') : []);
  const paths = split(c.paths);
  const rels = c.rels === undefined ? paths : split(c.rels);
  const hashes = split(c.hashes);
  if (paths.length !== c.count || rels.length !== c.count || hashes.length !== c.count) throw new Error('damaged cache');
  const out = new Array<CachedRecord>(c.count);
  for (let i = 0; i < c.count; i++)
    out[i] = { path: paths[i]!, size: c.sizes[i]!, mtimeMs: c.mtimes[i]!, hash: hashes[i]!, root: c.roots[i]!, rel: rels[i]!, slot: c.slots[i]!, chunkSlots: Array.from(c.chunkSlots.subarray(c.chunkStarts[i]!, c.chunkStarts[i + 1]!)) };
  return out;
}

let tempCounter = 0;

/**
 * Writes a snapshot to a temporary file, then renames it over the cache file (a reader never sees
 * half a cache). Between frames it awaits `pause`, so a big save does not hold the thread.
 * Returns where each content's text now sits (derived texts excepted), in the renamed file.
 * The records are read into columns before the first await: a caller may hand over live ones.
 */
export async function writeSnapshot(cacheDir: string, snap: Omit<CacheSnapshot, 'file'>, pause: () => Promise<void> = async () => {}): Promise<Map<CachedContent, TextPlace>> {
  mkdirSync(cacheDir, { recursive: true });
  const target = cacheFile(cacheDir, snap.key);
  const temp = `${target}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
  const fd = openSync(temp, 'w');
  const placed: [CachedContent, number, number, string][] = [];
  let file: CacheFileRef;
  try {
    const entries = [...snap.contents];
    const batches = Math.ceil(entries.length / CONTENT_BATCH);
    const live = snap.live ? { ...snap.live, records: encodeRecords(snap.live.records) } : undefined;
    let at = writeHeader(fd, { format: snap.format, key: snap.key, files: snap.files, live, skipped: snap.skipped, batches });
    for (let b = 0; b < batches; b++) {
      await pause();
      const batch = entries.slice(b * CONTENT_BATCH, (b + 1) * CONTENT_BATCH);
      const texts = batch.map(([, c]) => (c.derived ? undefined : c.textBytes()));
      const sums = texts.map((t, i) => (t ? (batch[i]![1].knownSum ?? textSum(t)) : ''));
      const frame = contentFrame(batch, texts, sums);
      at += writeFrame(fd, frame);
      const written: Uint8Array[] = [];
      for (let i = 0; i < batch.length; i++) {
        const t = texts[i];
        if (!t) continue;
        written.push(t);
        placed.push([batch[i]![1], at, t.length, sums[i]!]);
        at += t.length;
      }
      writeAllOf(fd, written);
    }
    file = CacheFileRef.ofOpenFile(target, fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, target);
  removeOlderFormats(cacheDir, snap.key);
  return new Map(placed.map(([c, at, len, sum]) => [c, { file, at, len, sum }]));
}

/** A batch of contents as a frame stores them; `texts[i]` is written after it (undefined: derived, kept in the frame). */
function contentFrame(batch: readonly [string, CachedContent][], texts: readonly (Uint8Array | undefined)[], sums: readonly string[]): ContentFrame {
  const languages: string[] = [];
  const languageOf = new Uint16Array(batch.length);
  const lens = new Float64Array(batch.length);
  const notes: ContentFrame['notes'] = [];
  const derived: ContentFrame['texts'] = [];
  const specs = new SpecFrameWriter();
  const objectSpecs: ContentFrame['objectSpecs'] = [];
  let textBytes = 0;
  batch.forEach(([, c], i) => {
    let l = languages.indexOf(c.language);
    if (l < 0) l = languages.push(c.language) - 1;
    languageOf[i] = l;
    const t = texts[i];
    lens[i] = t ? t.length : -1;
    textBytes += t ? t.length : 0;
    if (!t) derived.push([i, c.text]);
    if (c.note) notes.push([i, c.note]);
    if (!specs.add(c.specsToStore)) objectSpecs.push([i, c.specs]);
  });
  return { hashes: batch.map(([h]) => h).join('\0'), languages, languageOf, lens, sums: sums.join('\0'), notes, texts: derived, specs: specs.frame(), objectSpecs, textBytes };
}

/** Drops this configuration's caches of earlier formats: they are never read again. */
function removeOlderFormats(cacheDir: string, key: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  const current = `index-${key}.v${CACHE_FORMAT}.bin`;
  for (const n of names) if (n !== current && n.startsWith(`index-${key}.v`) && /^index-[0-9a-f]+\.v\d+\.bin$/.test(n)) rmSync(join(cacheDir, n), { force: true });
}

/** Removes every index cache file in the folder (and nothing else). */
export function removeSnapshots(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const n of names) if (/^index-[0-9a-f]+\.v\d+\.bin(\..*\.tmp)?$/.test(n)) rmSync(join(cacheDir, n), { force: true });
}
