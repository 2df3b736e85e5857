// Runs the chunker on parse workers (tree-sitter parsing is CPU-bound; the main thread keeps
// reading, hashing and indexing meanwhile): threads, or processes of their own where the host
// process is shared (the extension host; see parse-process.ts), or inline when the pool size is 0.
import type { Worker } from 'node:worker_threads';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startIndexProcess, startIndexWorker } from './worker-start';
import { chunkText, type ChunkRequest } from './chunker';
import { decodeResults, encodeRequests, type ParseWorkerData, type ReceivedIdents, type ReceivedResult, type RequestBatch, type ResultBatch } from './parse-wire';
import { optimisedRuntime } from './wasm-tiering';

/** Where parse workers run: threads of this process, or processes of their own. */
export type ParsePlace = 'threads' | 'processes';

export interface ChunkRunner {
  readonly workers: number;
  chunk(req: ChunkRequest): Promise<ReceivedResult>;
  /**
   * Starts the workers ahead of the first request, when a build knows it will parse (a cold
   * one): they boot while the walk runs. A worker compiles no wasm until its first batch.
   */
  prepare(): void;
  /**
   * Stops all workers but the first `keep` when nothing is in flight (a build is done): what a
   * build grew (a worker's wasm heap only grows) goes back at once, not at close. A kept worker
   * answers the edits that follow warm; the pool grows back when every live worker is busy.
   */
  release(keep: number): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  req: ChunkRequest;
  resolve: (r: ReceivedResult) => void;
  reject: (e: Error) => void;
}

interface Sent {
  jobs: Pending[];
  worker: number;
}

/** One parse worker as the pool drives it, whether a thread or a process. */
interface Channel {
  send(batch: RequestBatch): void;
  /** Whether it keeps this process alive: while it holds batches (a process's IPC channel would otherwise let the build's process exit under it). */
  hold(busy: boolean): void;
  /** Stops it; its exit is then no failure. */
  stop(): Promise<void>;
}

interface ChannelEvents {
  message(m: ResultBatch): void;
  failure(err: Error): void;
}

function threadChannel(w: Worker, on: ChannelEvents): Channel {
  w.unref();
  w.on('message', on.message);
  w.on('error', on.failure);
  w.on('exit', (code) => {
    if (code !== 0) on.failure(new Error(`parse worker exited with code ${code}`));
  });
  return {
    send: (batch) => w.postMessage(batch),
    hold: () => {},
    stop: async () => {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      w.on('error', () => {}); // an error while it terminates concerns nothing in flight
      await w.terminate();
    },
  };
}

function processChannel(c: ChildProcess, on: ChannelEvents): Channel {
  c.unref();
  c.channel?.unref();
  c.on('message', on.message as (m: unknown) => void);
  c.on('error', on.failure);
  // A parse process only ends when told to: any exit before that is a failure.
  c.on('exit', (code, signal) => on.failure(new Error(`parse process exited (${signal ?? `code ${code}`})`)));
  return {
    send: (batch) => c.send(batch),
    // The process itself too, not only its channel: when it dies mid-batch its channel closes
    // first, and with only an unref'd process handle left the event loop could end before the
    // exit was delivered, leaving the batch's files waiting (seen as a test whose process ended
    // with its promise pending, about one run in ten).
    hold: (busy) => {
      if (busy) {
        c.ref();
        c.channel?.ref();
      } else {
        c.unref();
        c.channel?.unref();
      }
    },
    stop: async () => {
      c.removeAllListeners('exit');
      c.removeAllListeners('error');
      c.on('error', () => {});
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.ref(); // the wait for its exit keeps this process alive until then
      c.kill();
      await exited;
    },
  };
}

/**
 * Requests queue up and go to a worker in batches: a message costs a fixed overhead on both
 * threads, far more than a small file's text, so files travel many to a message. A worker has
 * at most two batches outstanding (one being chunked, one waiting), so it never idles between
 * them; an idle worker gets the next request at once, so a single file (an edit) waits for nothing.
 */
const MAX_BATCH_FILES = 64;
const MAX_BATCH_CHARS = 512 * 1024;
const BATCHES_PER_WORKER = 2;

/**
 * A wasm memory only grows: one big file leaves its worker holding the memory its tree needed
 * for the rest of the build (~200 MB after a node_modules' largest files). A worker past this is
 * retired once its batches are back and replaced by a fresh one (the grammars' compiled code is
 * shared within the process, so a new thread starts in tens of milliseconds). A fresh worker's
 * isolate holds ~36-40 MB of external memory (the runtime and its JavaScript/TypeScript
 * grammars); a ~1 MB file adds ~30-40. At 64 MB the 105k-file tree's cold CLI index retires 4
 * workers (none at 128) and peaks 30-40 MB lower; at 40 MB a 13-language tree retired 18 and
 * took 6% longer.
 */
export const RECYCLE_EXTERNAL_BYTES = 64 * 1024 * 1024;

/**
 * A parse thread's young generation (V8's default is sized for a whole process). What a worker
 * allocates is short-lived (a batch's texts, its results), and a smaller nursery is touched less:
 * the 105k-file tree's cold `minions index` peaked ~40 MB lower (1,107-1,128 against
 * 1,143-1,155 MB), prettier's took the same time (old/new 1.02, 12 alternating pairs).
 */
const PARSE_THREAD_YOUNG_MB = 8;

class InlineRunner implements ChunkRunner {
  readonly workers = 0;
  readonly running = 0;
  chunk(req: ChunkRequest): Promise<ReceivedResult> {
    return chunkText(req);
  }
  prepare(): void {}
  async release(): Promise<void> {}
  async close(): Promise<void> {}
}

class WorkerPool implements ChunkRunner {
  private readonly pool: Channel[] = [];
  /** Per worker, its identifier table as its batches have extended it (a new worker starts its own). */
  private readonly idents: ReceivedIdents[] = [];
  private readonly outstanding: number[] = [];
  /** Workers that get no more batches and are replaced once theirs are back. */
  private readonly retiring: boolean[] = [];
  /** Workers replaced so far (for tests and benchmarks). */
  recycled = 0;
  private readonly queue: Pending[] = [];
  private readonly sent = new Map<number, Sent>();
  private nextId = 1;
  private flushScheduled = false;
  private failure: Error | undefined;
  private closed = false;
  /** A batch came back: the workers can start and answer. */
  private answered = false;
  /** Why processes were given up for threads, if they were. */
  fallback: Error | undefined;

  constructor(
    readonly workers: number,
    private readonly recycleExternalBytes: number,
    private place: ParsePlace,
    private readonly startProcess: () => ChildProcess,
  ) {}

  /** Where the workers run now (processes fall back to threads when they cannot start). */
  get runsIn(): ParsePlace {
    return this.place;
  }

  /** Workers start on the first file to parse (or prepare()): a reopen that parses nothing starts none. */
  prepare(): void {
    if (this.pool.length === 0 && !this.failure) this.start();
  }

  private start(): void {
    while (this.pool.length < this.workers) this.addWorker();
  }

  private addWorker(): void {
    this.pool.push(this.spawn());
    this.idents.push({});
    this.outstanding.push(0);
    this.retiring.push(false);
  }

  /** Takes workers `keep` and after out of the pool (with their bookkeeping); the caller stops them. */
  private dropWorkers(keep: number): Channel[] {
    this.idents.length = keep;
    this.outstanding.length = keep;
    this.retiring.length = keep;
    return this.pool.splice(keep);
  }

  /** Workers running now (for tests). */
  get running(): number {
    return this.pool.length;
  }

  private spawn(): Channel {
    const on: ChannelEvents = { message: (m) => this.receive(m), failure: (err) => this.fail(err) };
    if (this.place === 'processes') return processChannel(this.startProcess(), on);
    const runtime = optimisedRuntime();
    const workerData: ParseWorkerData | undefined = runtime ? { runtime } : undefined;
    return threadChannel(startIndexWorker('parse-worker', { ...(workerData ? { workerData } : {}), resourceLimits: { maxYoungGenerationSizeMb: PARSE_THREAD_YOUNG_MB } }), on);
  }

  /** Swaps worker i (idle, retiring) for a fresh one. */
  private replace(i: number): void {
    void this.pool[i]!.stop();
    this.pool[i] = this.spawn();
    this.idents[i] = {};
    this.retiring[i] = false;
    this.recycled++;
  }

  private receive(m: ResultBatch): void {
    const sent = this.sent.get(m.id);
    if (!sent) return;
    this.sent.delete(m.id);
    this.answered = true;
    // Taken before the worker may be replaced below: this batch extends the old worker's table.
    const idents = this.idents[sent.worker]!;
    if (--this.outstanding[sent.worker]! === 0) this.pool[sent.worker]!.hold(false);
    if ((m.external ?? 0) > this.recycleExternalBytes) this.retiring[sent.worker] = true;
    if (this.retiring[sent.worker] && this.outstanding[sent.worker] === 0 && !this.failure) this.replace(sent.worker);
    const results = decodeResults(m, sent.jobs.length, idents);
    sent.jobs.forEach((job, i) => {
      const r = results[i]!;
      if (r instanceof Error) job.reject(r);
      else job.resolve(r);
    });
    this.flush();
  }

  private fail(err: Error): void {
    if (this.place === 'processes' && !this.answered && !this.closed) {
      this.fallBackToThreads(err);
      return;
    }
    this.failure ??= err;
    for (const [id, s] of this.sent) {
      this.sent.delete(id);
      for (const job of s.jobs) job.reject(err);
    }
    for (const job of this.queue.splice(0)) job.reject(err);
  }

  /**
   * Parse processes that fail before they answer anything (a runtime that cannot run as node,
   * a process that cannot start) are replaced by threads, and what they held is sent again: the
   * build runs slower, never fails for it.
   */
  private fallBackToThreads(err: Error): void {
    this.fallback = err;
    this.place = 'threads';
    for (const channel of this.dropWorkers(0)) void channel.stop();
    const held = [...this.sent.values()].flatMap((s) => s.jobs);
    this.sent.clear();
    this.queue.unshift(...held);
    this.start();
    this.flush();
  }

  chunk(req: ChunkRequest): Promise<ReceivedResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pool.length === 0) this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      // Requests made in one synchronous burst (the pipeline reading ahead) share a batch.
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Sends queued requests to workers with room, split evenly across them. */
  private flush(): void {
    for (;;) {
      if (this.queue.length === 0 || this.failure) return;
      // After a release the pool runs on fewer workers; it grows back when every live one is busy.
      if (this.pool.length < this.workers && this.outstanding.every((n) => n > 0)) this.addWorker();
      let best = -1;
      const hasRoom = (i: number) => !this.retiring[i] && this.outstanding[i]! < BATCHES_PER_WORKER;
      for (let i = 0; i < this.pool.length; i++) if (hasRoom(i) && (best < 0 || this.outstanding[i]! < this.outstanding[best]!)) best = i;
      if (best < 0) return;
      const withRoom = this.pool.filter((_, i) => hasRoom(i)).length;
      const share = Math.min(MAX_BATCH_FILES, Math.ceil(this.queue.length / withRoom));
      const jobs: Pending[] = [];
      let chars = 0;
      while (jobs.length < share && this.queue.length && (jobs.length === 0 || chars + this.queue[0]!.req.text.length <= MAX_BATCH_CHARS)) {
        const job = this.queue.shift()!;
        chars += job.req.text.length;
        jobs.push(job);
      }
      const id = this.nextId++;
      this.sent.set(id, { jobs, worker: best });
      if (this.outstanding[best]!++ === 0) this.pool[best]!.hold(true);
      this.pool[best]!.send(encodeRequests(id, jobs.map((j) => j.req)));
    }
  }

  async release(keep: number): Promise<void> {
    if (this.sent.size > 0 || this.queue.length > 0 || this.pool.length <= keep) return;
    const stopping = this.dropWorkers(keep);
    if (keep === 0) this.answered = false; // fresh ones may still fall back to threads if they cannot start
    await Promise.all(stopping.map((w) => w.stop()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fail(new Error('parse pool closed'));
    await Promise.all(this.pool.map((w) => w.stop()));
  }
}

export interface ChunkRunnerOptions {
  recycleExternalBytes?: number;
  /** Default threads. */
  place?: ParsePlace;
  /** How a parse process starts (tests start ones that fail). */
  startProcess?: () => ChildProcess;
}

export type PoolRunner = ChunkRunner & { readonly recycled?: number; readonly runsIn?: ParsePlace; readonly fallback?: Error; readonly running: number };

export function createChunkRunner(workers: number, options: ChunkRunnerOptions = {}): PoolRunner {
  if (workers <= 0) return new InlineRunner();
  return new WorkerPool(workers, options.recycleExternalBytes ?? RECYCLE_EXTERNAL_BYTES, options.place ?? 'threads', options.startProcess ?? (() => startIndexProcess('parse-process')));
}
