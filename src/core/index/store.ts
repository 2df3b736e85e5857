// The on-disk cache. One file per workspace configuration (roots + options), written
// atomically (temp file + rename) with v8 serialisation. It records, per path, the stat that was
// seen and the content hash, and per content hash the text and the chunk ranges — so a reopen
// re-reads nothing whose stat is unchanged, and a renamed or copied file is never re-parsed.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import type { ChunkSpec } from './chunk-types';
import type { LexicalSnapshot } from './lexical';

/** Bump when chunking or term extraction changes so old caches are rebuilt, not trusted. */
export const CACHE_FORMAT = 6;

export interface CachedContent {
  readonly language: string;
  readonly text: string;
  readonly specs: readonly ChunkSpec[];
  /** A document read in part: why, and what to do (PDF page cap, time budget). */
  readonly note?: { reason: string; hint: string };
}

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
}

export function cacheKey(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, `index-${key}.v${CACHE_FORMAT}.bin`);
}

// File layout: a sequence of frames, each a 4-byte little-endian length and a v8-serialised
// value: the header {format, key, files, live?, batches}, then `batches` frames of [hash, content]
// pairs. Writing frame by frame keeps the memory a save needs to one batch, not the whole index.
const CONTENT_BATCH = 500;

function writeFrame(fd: number, value: unknown): void {
  const body = serialize(value);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length, 0);
  writeSync(fd, len);
  writeSync(fd, body);
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
export function readSnapshot(cacheDir: string, key: string): CacheSnapshot | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(cacheFile(cacheDir, key), 'r');
    const size = fstatSync(fd).size;
    const pos = { at: 0 };
    const head = readFrame(fd, pos, size) as Omit<CacheSnapshot, 'contents'> & { batches: number };
    if (!head || head.format !== CACHE_FORMAT || head.key !== key || !Array.isArray(head.files)) return undefined;
    const contents = new Map<string, CachedContent>();
    for (let b = 0; b < head.batches; b++) for (const [hash, c] of readFrame(fd, pos, size) as [string, CachedContent][]) contents.set(hash, c);
    return { format: head.format, key: head.key, files: head.files, contents, ...(head.live ? { live: head.live } : {}), ...(head.skipped ? { skipped: head.skipped } : {}) };
  } catch {
    return undefined; // absent, older or damaged: rebuild
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let tempCounter = 0;

/**
 * Writes a snapshot to a temporary file, then renames it over the cache file (a reader never sees
 * half a cache). Between frames it awaits `pause`, so a big save does not hold the thread.
 */
export async function writeSnapshot(cacheDir: string, snap: CacheSnapshot, pause: () => Promise<void> = async () => {}): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const target = cacheFile(cacheDir, snap.key);
  const temp = `${target}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const entries = [...snap.contents];
    const batches = Math.ceil(entries.length / CONTENT_BATCH);
    writeFrame(fd, { format: snap.format, key: snap.key, files: snap.files, live: snap.live, skipped: snap.skipped, batches });
    for (let b = 0; b < batches; b++) {
      await pause();
      writeFrame(fd, entries.slice(b * CONTENT_BATCH, (b + 1) * CONTENT_BATCH));
    }
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, target);
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
