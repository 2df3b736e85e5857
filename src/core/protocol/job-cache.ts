// The job-result cache: what a local worker reported for one task on one chunk, kept on disk
// beside the index cache so the same reading is never paid for twice. A key names everything
// the result depends on that can change under it: the chunk's content (and its line range,
// which citations use), the task's instruction and keywords (normalised: case and spacing do
// not change what is asked), the local model and the job prompt's version.
//
// One JSON file per cache folder, written as a temporary file renamed over the old one, so a
// reader never sees half a file and two runs saving at once both leave a whole file (each save
// first merges what is on disk). The file is bounded in bytes; the least recently used entries
// go first. A file that cannot be read is set aside and reported, never a failed run.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Chunk } from '../index/types';
import type { CallUsage } from '../ledger/types';
import type { JobAnswer } from './schemas';

export const JOB_CACHE_FILE = 'jobs.v1.json';
/** Default size cap of the cache file: tens of thousands of jobs. */
export const JOB_CACHE_MAX_BYTES = 8 * 1024 * 1024;
const FORMAT = 1;

export interface JobKeyParts {
  chunk: Pick<Chunk, 'startLine' | 'endLine' | 'text'>;
  instruction: string;
  keywords: readonly string[];
  model: string;
  promptVersion: number;
}

/** What a cached job replays: the worker's answer and what reading it cost when it was read. */
export interface CachedJob {
  answer: JobAnswer;
  /** Local time the original job took (the time a hit saves). */
  ms: number;
  usage: CallUsage;
  verified?: boolean;
}

interface Entry {
  value: CachedJob;
  usedAt: number;
}

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export function chunkContentHash(chunk: JobKeyParts['chunk']): string {
  return createHash('sha256').update(`${chunk.startLine}-${chunk.endLine}\u0000${chunk.text}`).digest('hex').slice(0, 32);
}

export function jobCacheKey(p: JobKeyParts): string {
  const keywords = [...new Set(p.keywords.map(normalise).filter(Boolean))].sort();
  return createHash('sha256')
    .update(JSON.stringify([chunkContentHash(p.chunk), normalise(p.instruction), keywords, p.model, p.promptVersion]))
    .digest('hex').slice(0, 40);
}

export interface JobCacheOptions {
  maxBytes?: number;
  now?: () => number;
}

let tempCounter = 0;

export class JobCache {
  private entries: Map<string, Entry> | undefined;
  private readonly dirty = new Set<string>();
  private readonly maxBytes: number;
  private readonly now: () => number;
  /** Set when the file on disk could not be read (it is replaced at the next save). */
  problem: string | undefined;

  constructor(readonly file: string, options: JobCacheOptions = {}) {
    this.maxBytes = Math.max(1024, options.maxBytes ?? JOB_CACHE_MAX_BYTES);
    this.now = options.now ?? Date.now;
  }

  static inDir(cacheDir: string, options: JobCacheOptions = {}): JobCache {
    return new JobCache(join(cacheDir, JOB_CACHE_FILE), options);
  }

  /** Loads the file once; returns the problem when it could not be read (the cache then starts empty until the next save). */
  open(): string | undefined {
    if (this.entries) return this.problem;
    const read = readEntries(() => readFileSync(this.file, 'utf8'));
    this.entries = read.entries;
    this.problem = read.problem;
    return read.problem;
  }

  get(key: string): CachedJob | undefined {
    this.open();
    const e = this.entries!.get(key);
    if (!e) return undefined;
    e.usedAt = this.now();
    this.dirty.add(key);
    return e.value;
  }

  has(key: string): boolean {
    this.open();
    return this.entries!.has(key);
  }

  put(key: string, value: CachedJob): void {
    this.open();
    this.entries!.set(key, { value, usedAt: this.now() });
    this.dirty.add(key);
  }

  get size(): number {
    this.open();
    return this.entries!.size;
  }

  /** Saves what changed, merged with what other runs saved meanwhile, within the size cap. */
  async save(): Promise<void> {
    if (!this.entries || this.dirty.size === 0) return;
    const onDisk = readEntries(() => readFileSync(this.file, 'utf8')).entries;
    for (const key of this.dirty) {
      const mine = this.entries.get(key);
      const theirs = onDisk.get(key);
      if (mine && (!theirs || theirs.usedAt <= mine.usedAt)) onDisk.set(key, mine);
    }
    this.dirty.clear();
    this.problem = undefined;
    const kept = evict(onDisk, this.maxBytes);
    this.entries = kept;
    await mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
    try {
      await writeFile(temp, serialise(kept));
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

function serialise(entries: Map<string, Entry>): string {
  return JSON.stringify({ format: FORMAT, entries: Object.fromEntries(entries) });
}

/** Drops the least recently used entries until the file fits in `maxBytes`. */
function evict(entries: Map<string, Entry>, maxBytes: number): Map<string, Entry> {
  const sized = [...entries].map(([key, e]) => ({ key, e, bytes: key.length + JSON.stringify(e).length + 6 }));
  let total = sized.reduce((n, s) => n + s.bytes, 40);
  if (total <= maxBytes) return entries;
  sized.sort((a, b) => a.e.usedAt - b.e.usedAt);
  const drop = new Set<string>();
  for (const s of sized) {
    if (total <= maxBytes) break;
    drop.add(s.key);
    total -= s.bytes;
  }
  return new Map([...entries].filter(([key]) => !drop.has(key)));
}

function readEntries(read: () => string): { entries: Map<string, Entry>; problem?: string } {
  let text: string;
  try {
    text = read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: new Map() };
    return { entries: new Map(), problem: `the job cache could not be read (${(err as Error).message}); starting it afresh` };
  }
  try {
    const parsed = JSON.parse(text) as { format?: unknown; entries?: unknown };
    if (parsed?.format !== FORMAT || typeof parsed.entries !== 'object' || parsed.entries === null) {
      return { entries: new Map(), problem: 'the job cache file has an unknown format; starting it afresh' };
    }
    const entries = new Map<string, Entry>();
    for (const [key, e] of Object.entries(parsed.entries as Record<string, unknown>)) if (isEntry(e)) entries.set(key, e);
    return { entries };
  } catch (err) {
    return { entries: new Map(), problem: `the job cache file is damaged (${(err as Error).message}); starting it afresh` };
  }
}

function isEntry(e: unknown): e is Entry {
  const x = e as Entry;
  return typeof x === 'object' && x !== null && typeof x.usedAt === 'number' && typeof x.value?.ms === 'number'
    && typeof x.value.answer?.relevant === 'boolean' && typeof x.value.answer.finding === 'string' && Array.isArray(x.value.answer.lines);
}

/** Removes the job cache of a cache folder (Rebuild Index drops it with the index cache). */
export function removeJobCache(cacheDir: string): void {
  rmSync(join(cacheDir, JOB_CACHE_FILE), { force: true });
}
