// Runs test/vscode/exthost/multiroot/*.ts inside a real VS Code (code-server + Chromium) opened
// on a multi-root workspace whose two folders share a base name: `…/a/app` and `…/b/app`, the
// second shown as "Backend". Each host test is reported here as its own test.
import { after, describe, it } from 'node:test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtensionHostTests, type ExtensionHostRun } from './harness/exthost';
import { EXTHOST_MULTIROOT_BUNDLE, FIXTURE_WORKSPACE } from './harness/paths';
import { buildExtensionHostTests, ensureExtensionBuilt } from './harness/prepare';

/** Two folders named `app` with a retry.ts each; the second's carries a marker the suite checks. */
function makeWorkspace(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'minions-multiroot-'));
  const retry = readFileSync(join(FIXTURE_WORKSPACE, 'src/retry.ts'), 'utf8');
  for (const folder of ['a/app', 'b/app']) mkdirSync(join(dir, folder, 'src'), { recursive: true });
  copyFileSync(join(FIXTURE_WORKSPACE, 'src/retry.ts'), join(dir, 'a/app/src/retry.ts'));
  writeFileSync(join(dir, 'a/app/README.md'), '# app\n\nThe front end.\n');
  writeFileSync(join(dir, 'b/app/src/retry.ts'), `// backend copy\n${retry}`);
  writeFileSync(join(dir, 'b/app/src/server.ts'), 'export function serve(port: number): string {\n  return `listening on ${port}`;\n}\n');
  const file = join(dir, 'multi.code-workspace');
  writeFileSync(file, JSON.stringify({ folders: [{ path: 'a/app' }, { path: 'b/app', name: 'Backend' }] }, null, 2));
  return { dir, file };
}

describe('extension host in a multi-root workspace (code-server)', async () => {
  const workspace = makeWorkspace();
  after(() => rmSync(workspace.dir, { recursive: true, force: true }));
  let run: ExtensionHostRun | undefined;
  let setupError: unknown;
  try {
    ensureExtensionBuilt();
    buildExtensionHostTests();
    run = await runExtensionHostTests({ name: 'exthost-multiroot', workspace: workspace.file, testsBundle: EXTHOST_MULTIROOT_BUNDLE });
  } catch (err) {
    setupError = err;
  }
  if (!run) {
    it('starts VS Code and runs the multi-root extension-host tests', () => { throw setupError; });
    return;
  }
  for (const result of run.results) {
    it(result.name, () => {
      if (!result.ok) throw new Error(`${result.error ?? 'failed'}${run.artifacts.length ? `\nartifacts: ${run.artifacts.join(', ')}` : ''}`);
    });
  }
  if (run.results.length === 0 || (run.exitCode !== 0 && run.results.every((r) => r.ok))) {
    const { exitCode, log } = run;
    it('extension-host run() completes', () => {
      throw new Error(`run() ended with exit code ${exitCode}; last lines:\n${log.slice(-30).join('\n')}`);
    });
  }
});
