// Runs the chunker on worker threads (tree-sitter parsing is CPU-bound; the main thread keeps
// reading, hashing and indexing meanwhile), or inline when the pool size is 0.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chunkText, type ChunkRequest, type ChunkResult } from './chunker';

export interface ChunkRunner {
  readonly workers: number;
  chunk(req: ChunkRequest): Promise<ChunkResult>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
  worker: number;
}

function startWorker(): Worker {
  const bundled = join(__dirname, 'parse-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  // Running from TypeScript sources (tests, scripts): load the worker through tsx.
  const source = join(__dirname, 'parse-worker.ts');
  // (The specifier is built at run time so bundlers do not try to resolve tsx, a dev dependency.)
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
}

class InlineRunner implements ChunkRunner {
  readonly workers = 0;
  chunk(req: ChunkRequest): Promise<ChunkResult> {
    return chunkText(req);
  }
  async close(): Promise<void> {}
}

class WorkerPool implements ChunkRunner {
  private readonly pool: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(readonly workers: number) {}

  /** Workers start on the first file to parse: a reopen that parses nothing starts none. */
  private start(): void {
    for (let i = 0; i < this.workers; i++) {
      const w = startWorker();
      w.unref();
      w.on('message', (m: { id: number; result?: ChunkResult; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.load[p.worker]!--;
        if (m.result) p.resolve(m.result);
        else p.reject(new Error(m.error ?? 'parse worker failed'));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`parse worker exited with code ${code}`));
      });
      this.pool.push(w);
      this.load.push(0);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
  }

  chunk(req: ChunkRequest): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pool.length === 0) this.start();
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    const id = this.nextId++;
    this.load[best]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: best });
      this.pool[best]!.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('parse pool closed'));
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}

export function createChunkRunner(workers: number): ChunkRunner {
  return workers > 0 ? new WorkerPool(workers) : new InlineRunner();
}
