import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

// Each worker thread has its own web-tree-sitter module; several grammars asked for at once (a
// fresh parse worker's first batch) must all load, not fail on each other's symbols.
const GRAMMARS = ['typescript', 'python', 'tsx', 'javascript', 'go', 'rust'];

function loadAllAtOnce(): Promise<(string | null)[]> {
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  const grammars = join(__dirname, '../../../src/core/index/grammars.ts');
  const w = new Worker(
    `require(${JSON.stringify(tsx)});
     const { parentPort } = require('node:worker_threads');
     const { loadLanguage } = require(${JSON.stringify(grammars)});
     Promise.all(${JSON.stringify(GRAMMARS)}.map((g) => loadLanguage(g))).then((ls) => parentPort.postMessage(ls.map((l) => (l ? l.name ?? 'loaded' : null))));`,
    { eval: true },
  );
  return new Promise((resolve, reject) => {
    w.once('message', (m: (string | null)[]) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

describe('grammar loading', () => {
  test('grammars asked for at once in a fresh thread all load', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, loadAllAtOnce));
    for (const loaded of runs) assert.deepEqual(loaded.map((l) => l !== null), GRAMMARS.map(() => true), `loaded: ${JSON.stringify(loaded)}`);
  });
});
