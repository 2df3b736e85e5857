// Worker-thread entry: one walk (walk-thread.ts starts it), its findings posted in batches (see
// walk-wire.ts). Built to dist/walk-worker.js by esbuild.mjs; under tsx it is loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { MinionsError } from '../errors';
import { walkRoots } from './walk';
import { FoundBuffer, type WalkJob, type WalkMessage } from './walk-wire';

/** Findings per message: small enough that the index starts on the first folders early. */
const BATCH_ITEMS = 512;

const port = parentPort;
if (port) {
  const job = workerData as WalkJob;
  const found = new FoundBuffer();
  const flush = () => {
    if (found.size === 0) return;
    const { batch, transfer } = found.take();
    port.postMessage(batch, transfer);
  };
  walkRoots(job.roots, {
    include: job.include,
    exclude: job.exclude,
    maxFileBytes: job.maxFileBytes,
    startAt: job.startAt,
    onFile: (f) => {
      found.file(f);
      if (found.size >= BATCH_ITEMS) flush();
    },
    onSkip: (path, reason) => {
      found.skip(path, reason);
      if (found.size >= BATCH_ITEMS) flush();
    },
  }).then(
    () => {
      flush();
      port.postMessage({ kind: 'done' } satisfies WalkMessage);
    },
    (err: unknown) => {
      flush();
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ kind: 'error', message: e.message, ...(e instanceof MinionsError ? { code: e.code, hint: e.hint } : {}) } satisfies WalkMessage);
    },
  );
}
