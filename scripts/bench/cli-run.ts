// One run of a bundled `minions` CLI as the index benchmarks time it: process start to exit.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs `cli.js` of `bundleDir` with `argv` (after `nodeArgs`); throws with its stderr when it fails. */
export function runCli(bundleDir: string, argv: readonly string[], cwd: string, nodeArgs: readonly string[] = []): { ms: number; stdout: string; stderr: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...nodeArgs, join(bundleDir, 'cli.js'), ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`minions ${argv.join(' ')} failed:\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
