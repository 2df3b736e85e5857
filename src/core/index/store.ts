// The on-disk cache. One file per workspace configuration (roots + options), written
// atomically (temp file + rename) with v8 serialisation. It records, per path, the stat that was
// seen and the content hash, and per content hash the text and the chunk ranges — so a reopen
// re-reads nothing whose stat is unchanged, and a renamed or copied file is never re-parsed.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import type { ChunkSpec } from './chunk-types';
import type { LexicalSnapshot } from './lexical';

/** Bump when chunking or term extraction changes so old caches are rebuilt, not trusted. */
export const CACHE_FORMAT = 4;

export interface CachedContent {
  readonly language: string;
  readonly text: string;
  readonly specs: readonly ChunkSpec[];
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

export interface CacheSnapshot {
  readonly format: number;
  readonly key: string;
  readonly files: CachedFile[];
  /** hash -> content */
  readonly contents: Map<string, CachedContent>;
  /** The live index itself (records + lexical index), so a reopen re-tokenises nothing. */
  readonly live?: { records: CachedRecord[]; lexical: LexicalSnapshot; nextFileSlot: number };
}

export function cacheKey(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, `index-${key}.v${CACHE_FORMAT}.bin`);
}

/** Reads a snapshot; a missing, older or damaged cache is simply absent (the index rebuilds it). */
export function readSnapshot(cacheDir: string, key: string): CacheSnapshot | undefined {
  try {
    const snap = deserialize(readFileSync(cacheFile(cacheDir, key))) as CacheSnapshot;
    if (snap && snap.format === CACHE_FORMAT && snap.key === key && Array.isArray(snap.files) && snap.contents instanceof Map) return snap;
  } catch {
    /* absent or unreadable: rebuild */
  }
  return undefined;
}

export function writeSnapshot(cacheDir: string, snap: CacheSnapshot): void {
  mkdirSync(cacheDir, { recursive: true });
  const target = cacheFile(cacheDir, snap.key);
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, serialize(snap));
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
