// The walk on a thread of its own, for a reopen of a large index: the cache load that the walk
// is checked against keeps the index's thread busy for a while (0.7-0.9 s at 92k files), and the
// walk (readdir and stat of every file, 1 s or more there) runs beside it instead of after it.
// Same options, callbacks and result as walkRoots; what the thread finds comes back in batches.
import { MinionsError, type ErrorCode } from '../errors';
import { checkAborted, indexCancelled, type WalkOptions, type WalkRoot, type WalkedFile } from './walk';
import { decodeFound, type WalkJob, type WalkMessage } from './walk-wire';
import { startIndexWorker } from './worker-start';

let threadsStarted = 0;

/** Walk threads started so far in this process (for tests and benchmarks). */
export function walkThreadsStarted(): number {
  return threadsStarted;
}

export async function walkInThread(roots: readonly WalkRoot[], options: WalkOptions): Promise<WalkedFile[]> {
  checkAborted(options.signal);
  const job: WalkJob = { roots, include: options.include, exclude: options.exclude, maxFileBytes: options.maxFileBytes, startAt: options.startAt };
  const worker = startIndexWorker('walk-worker', { workerData: job });
  threadsStarted++;
  const files: WalkedFile[] = [];
  return await new Promise<WalkedFile[]>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(files);
    };
    const onAbort = () => finish(indexCancelled());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WalkMessage) => {
      if (settled) return;
      if (m.kind === 'found') {
        for (const [path, reason] of m.skips) options.onSkip?.(path, reason);
        for (const f of decodeFound(m, roots)) {
          files.push(f);
          options.onFile?.(f);
        }
      } else if (m.kind === 'done') finish();
      else finish(m.code ? new MinionsError(m.code as ErrorCode, m.message, m.hint) : new Error(`The walk of the workspace failed: ${m.message}`));
    });
    worker.on('error', (err) => finish(new Error(`The walk of the workspace failed: ${err.message}`)));
    worker.on('exit', (code) => finish(new Error(`The walk thread stopped before it finished (exit code ${code})`)));
  });
}
