// Worker-thread entry: chunks batches of files sent by the parse pool (see parse-wire.ts for
// how a batch travels). Built to dist/parse-worker.js by esbuild.mjs; under tsx the pool loads
// this file through tsx's require hook.
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { chunkText, type ChunkResult } from './chunker';
import { decodeRequests, encodeResults, type ParseWorkerData, type RequestBatch } from './parse-wire';
import { useCompiledRuntime } from './grammars';

const port = parentPort;
const runtime = (workerData as ParseWorkerData | undefined)?.runtime;
if (runtime) useCompiledRuntime(runtime);
if (port) {
  port.on('message', async (batch: RequestBatch) => {
    const results: (ChunkResult | Error)[] = [];
    for (const req of decodeRequests(batch)) {
      try {
        results.push(await chunkText(req));
      } catch (err) {
        results.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const { batch: out, transfer } = encodeResults(batch.id, results);
    // The isolate's external memory (the wasm heap among it); memoryUsage() would also read the
    // process's RSS from /proc on every batch.
    out.external = getHeapStatistics().external_memory;
    port.postMessage(out, transfer);
  });
}
