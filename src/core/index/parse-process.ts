// Child-process entry: a parse worker in a process of its own. The extension host's parse pool
// starts these instead of threads: V8's flags are process-wide, so only a process of our own may
// keep the grammars' wasm at the baseline tier (wasm-tiering.ts), which a thread in the shared
// extension host may not. Built to dist/parse-process.js by esbuild.mjs; batches come and go
// over the IPC channel (advanced serialization: typed arrays travel as they are).
import { chunkBatch } from './parse-batch';
import type { RequestBatch } from './parse-wire';
import { tuneOwnProcessForIndexing } from './jit-budget';

const send = process.send?.bind(process);
if (send) {
  tuneOwnProcessForIndexing();
  process.on('message', async (batch: RequestBatch) => {
    const { batch: out } = await chunkBatch(batch);
    send(out);
  });
  // The pool's process is gone (closed, or it crashed): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}
