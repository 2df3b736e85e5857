// Starts one of the index's worker threads: from its bundle next to this one (dist/*.js, which
// esbuild.mjs builds), or, running from the TypeScript sources (tests, scripts), through tsx.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type IndexWorkerName = 'parse-worker' | 'walk-worker';

export function startIndexWorker(name: IndexWorkerName, options?: WorkerOptions): Worker {
  const bundled = join(__dirname, `${name}.js`);
  if (existsSync(bundled)) return new Worker(bundled, options);
  const source = join(__dirname, `${name}.ts`);
  // (The specifier is built at run time so bundlers do not try to resolve tsx, a dev dependency.)
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { ...options, eval: true });
}
