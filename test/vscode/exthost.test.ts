// Runs test/vscode/exthost/suites/*.ts inside a real VS Code extension host (code-server +
// Chromium) and reports each of them here as its own test.
import { describe, it } from 'node:test';
import { runExtensionHostTests, type ExtensionHostRun } from './harness/exthost';
import { buildExtensionHostTests, ensureExtensionBuilt } from './harness/prepare';

describe('extension host (code-server)', async () => {
  let run: ExtensionHostRun | undefined;
  let setupError: unknown;
  try {
    ensureExtensionBuilt();
    buildExtensionHostTests();
    run = await runExtensionHostTests({ name: 'exthost' });
  } catch (err) {
    setupError = err;
  }
  if (!run) {
    it('starts VS Code and runs the extension-host tests', () => { throw setupError; });
    return;
  }
  // What the host offers (the chat suite logs the chat and language-model APIs it found).
  for (const line of run.log.filter((l) => l.includes('[host-offers]'))) console.log(line.slice(line.indexOf('[host-offers]')));
  for (const result of run.results) {
    it(result.name, () => {
      if (!result.ok) throw new Error(`${result.error ?? 'failed'}${hint(run)}`);
    });
  }
  // A non-zero exit with every reported test green means run() itself broke (e.g. no suites).
  if (run.exitCode !== 0 && run.results.every((r) => r.ok)) {
    const { exitCode, log } = run;
    it('extension-host run() completes', () => {
      throw new Error(`run() ended with exit code ${exitCode}; what the workbench reported:\n${errorLines(log).join('\n')}${hint(run)}`);
    });
  }
});

/** Known harmless noise of an offline code-server (see docs/environment.md). */
const NOISE = /open-vsx\.org|ERR_NAME_NOT_RESOLVED|status of 404|vsda/;

/** The workbench's error lines minus known noise, or its last lines if it logged no error. */
function errorLines(log: string[]): string[] {
  const errors = log.filter((line) => line.startsWith('[error]') && !NOISE.test(line));
  return errors.length > 0 ? errors.slice(-15) : log.slice(-30);
}

function hint(run: ExtensionHostRun | undefined): string {
  return run?.artifacts.length ? `\nartifacts: ${run.artifacts.join(', ')}` : '';
}
