// Worker-thread entry: chunks batches of files sent by the parse pool (see parse-wire.ts for
// how a batch travels). Built to dist/parse-worker.js by esbuild.mjs; under tsx the pool loads
// this file through tsx's require hook.
import { parentPort, workerData } from 'node:worker_threads';
import { chunkBatch } from './parse-batch';
import type { ParseWorkerData, RequestBatch } from './parse-wire';
import { useCompiledRuntime } from './grammars';

const port = parentPort;
const runtime = (workerData as ParseWorkerData | undefined)?.runtime;
if (runtime) useCompiledRuntime(runtime);
if (port) {
  port.on('message', async (batch: RequestBatch) => {
    const { batch: out, transfer } = await chunkBatch(batch);
    port.postMessage(out, transfer);
  });
}
