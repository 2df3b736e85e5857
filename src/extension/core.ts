// Loads the core on first use. The core (index, protocol engine, model clients and the
// tokenizer tables they count with) is its own bundle, dist/extension-core.js, built from
// core-impl.ts: keeping it out of dist/extension.js cut activation from ~257 ms to a few ms
// (scripts/bench-activation.mjs), and windows where nobody asks a question never load it.

import { join } from 'node:path';
import { MinionsError } from '../core/errors';
import type { CoreApi } from './coreApi';

type CoreModule = { createCore(): CoreApi };

let loaded: CoreApi | undefined;

function load(): CoreApi {
  if (loaded) return loaded;
  const file = join(__dirname, 'extension-core.js');
  try {
    // A computed path, so esbuild leaves this require to run time instead of inlining the core.
    const mod = require(file) as CoreModule;
    loaded = mod.createCore();
    return loaded;
  } catch (err) {
    throw new MinionsError('internal', `Minions could not load its core (${file})`, 'Reinstall the extension; when building from source, run `npm run build`', { cause: err });
  }
}

/** A CoreApi whose every call loads the real core the first time it is needed. */
export function createCore(): CoreApi {
  return {
    openIndex: (o) => Promise.resolve().then(() => load().openIndex(o)),
    clearIndexCache: (dir) => Promise.resolve().then(() => load().clearIndexCache(dir)),
    listLocalModels: (s, signal) => Promise.resolve().then(() => load().listLocalModels(s, signal)),
    pullLocalModel: (s, model, onProgress, signal) => Promise.resolve().then(() => load().pullLocalModel(s, model, onProgress, signal)),
    checkRemote: (s, key, signal) => Promise.resolve().then(() => load().checkRemote(s, key, signal)),
    runProtocol: (input) => ({
      [Symbol.asyncIterator]: () => load().runProtocol(input)[Symbol.asyncIterator](),
    }),
  };
}
