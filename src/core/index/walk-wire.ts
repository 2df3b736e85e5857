// How the walk thread's findings travel to the index (walk-thread.ts, walk-worker.ts): files as
// columns (a 100k-file reopen sends 100k of them; columns clone in a fraction of the time of one
// object each), paths relative to their root (the index rebuilds the display and disk paths as
// the walk makes them), names joined by NUL, which no file name contains.
import { absPath, type SkipReason, type WalkOptions, type WalkRoot, type WalkedFile } from './walk';

/** What the walk thread is started with (its workerData). */
export interface WalkJob {
  roots: readonly WalkRoot[];
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileBytes: number;
  startAt?: WalkOptions['startAt'];
}

export interface FoundBatch {
  kind: 'found';
  roots: Uint16Array;
  rels: string;
  sizes: Float64Array;
  mtimes: Float64Array;
  skips: [string, SkipReason][];
}

export type WalkMessage = FoundBatch | { kind: 'done' } | { kind: 'error'; code?: string; message: string; hint?: string };

/** Collects what the walk finds into batches (the thread's side). */
export class FoundBuffer {
  private roots: number[] = [];
  private rels: string[] = [];
  private sizes: number[] = [];
  private mtimes: number[] = [];
  private skips: [string, SkipReason][] = [];

  get size(): number {
    return this.rels.length + this.skips.length;
  }

  file(f: WalkedFile): void {
    this.roots.push(f.root);
    this.rels.push(f.rel);
    this.sizes.push(f.size);
    this.mtimes.push(f.mtimeMs);
  }

  skip(path: string, reason: SkipReason): void {
    this.skips.push([path, reason]);
  }

  /** The batch so far, with its typed arrays to transfer; the buffer starts empty again. */
  take(): { batch: FoundBatch; transfer: ArrayBuffer[] } {
    const batch: FoundBatch = {
      kind: 'found',
      roots: Uint16Array.from(this.roots),
      rels: this.rels.join('\0'),
      sizes: Float64Array.from(this.sizes),
      mtimes: Float64Array.from(this.mtimes),
      skips: this.skips,
    };
    this.roots = [];
    this.rels = [];
    this.sizes = [];
    this.mtimes = [];
    this.skips = [];
    return { batch, transfer: [batch.roots.buffer as ArrayBuffer, batch.sizes.buffer as ArrayBuffer, batch.mtimes.buffer as ArrayBuffer] };
  }
}

/** A batch's files as the walk made them (the index's side). */
export function decodeFound(batch: FoundBatch, roots: readonly WalkRoot[]): WalkedFile[] {
  if (batch.sizes.length === 0) return [];
  const rels = batch.rels.split('\0');
  const files: WalkedFile[] = new Array(rels.length);
  for (let i = 0; i < rels.length; i++) {
    const r = batch.roots[i]!;
    const root = roots[r]!;
    const rel = rels[i]!;
    files[i] = { root: r, abs: absPath(root, rel), rel, path: root.prefix + rel, size: batch.sizes[i]!, mtimeMs: batch.mtimes[i]! };
  }
  return files;
}
