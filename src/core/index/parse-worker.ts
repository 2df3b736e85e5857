// Worker-thread entry: chunks files sent by the parse pool. Built to dist/parse-worker.js by
// esbuild.mjs; under tsx the pool loads this file through tsx's require hook.
import { parentPort } from 'node:worker_threads';
import { chunkText, type ChunkRequest } from './chunker';

interface Job {
  id: number;
  req: ChunkRequest;
}

const port = parentPort;
if (port) {
  port.on('message', (job: Job) => {
    chunkText(job.req).then(
      (result) => {
        const ids = result.identifiers;
        // The occurrence arrays move to the main thread without a copy.
        port.postMessage({ id: job.id, result }, ids ? [ids.occurrences.buffer as ArrayBuffer, ids.offsets.buffer as ArrayBuffer] : []);
      },
      (err: unknown) => port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
