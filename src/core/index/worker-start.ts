// Starts one of the index's workers, a thread or a process of its own: from its bundle next to
// this one (dist/*.js, which esbuild.mjs builds), or, running from the TypeScript sources (tests,
// scripts), through tsx.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type IndexWorkerName = 'parse-worker' | 'walk-worker';
export type IndexProcessName = 'parse-process';

/** (The specifier is built at run time so bundlers do not try to resolve tsx, a dev dependency.) */
const tsxCjs = () => require.resolve(['tsx', 'cjs'].join('/'));

export function startIndexWorker(name: IndexWorkerName, options?: WorkerOptions): Worker {
  const bundled = join(__dirname, `${name}.js`);
  if (existsSync(bundled)) return new Worker(bundled, options);
  const source = join(__dirname, `${name}.ts`);
  return new Worker(`require(${JSON.stringify(tsxCjs())}); require(${JSON.stringify(source)});`, { ...options, eval: true });
}

/**
 * A worker process run by this process's own runtime: node, or in VS Code Electron run as node
 * (ELECTRON_RUN_AS_NODE). It takes none of this process's node options (an --inspect port of
 * the extension host's would clash), and its IPC channel carries typed arrays as they are.
 */
export function startIndexProcess(name: IndexProcessName): ChildProcess {
  const bundled = join(__dirname, `${name}.js`);
  const fromSource = !existsSync(bundled);
  return fork(fromSource ? join(__dirname, `${name}.ts`) : bundled, [], {
    execArgv: fromSource ? ['--require', tsxCjs()] : [],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}
