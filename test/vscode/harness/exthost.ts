// Runs the bundled extension-host tests (out/test/exthost.js) inside a real VS Code: code-server
// serves the workbench, Chromium opens it with the extension under development and the tests
// named in the page's `payload`, and the host's verdict comes back through codeAutomationExit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeServer, Sandbox } from './codeServer';
import { launchBrowser, type Browser } from './browser';
import { saveFailureArtifacts, saveScreenshot } from './artifacts';
import { EXTHOST_BUNDLE, FIXTURE_WORKSPACE, REPO_ROOT } from './paths';
import { MARKER, RESULTS_FILE_ENV, type HostTestResult } from '../exthost/protocol';

export interface ExtensionHostRunOptions {
  /** Folder the workbench opens (default: test/fixtures/workspace). */
  workspace?: string;
  /** Folder holding the extension's package.json (default: the repository). */
  extensionPath?: string;
  /** The bundled tests module exporting run() (default: out/test/exthost.js). */
  testsBundle?: string;
  /** Name used for artifacts and the sandbox. */
  name?: string;
  timeoutMs?: number;
}

export interface ExtensionHostRun {
  /** What run() ended with: 0 passed, non-zero failed; null when it never reported (timeout). */
  exitCode: number | null;
  results: HostTestResult[];
  /** Everything the workbench logged through codeAutomationLog and the console. */
  log: string[];
  /** Artifacts saved because the run failed. */
  artifacts: string[];
}

export async function runExtensionHostTests(options: ExtensionHostRunOptions = {}): Promise<ExtensionHostRun> {
  const workspace = options.workspace ?? FIXTURE_WORKSPACE;
  const extensionPath = options.extensionPath ?? REPO_ROOT;
  const testsBundle = options.testsBundle ?? EXTHOST_BUNDLE;
  const name = options.name ?? 'exthost';
  const timeoutMs = options.timeoutMs ?? 180_000;
  if (!existsSync(testsBundle)) throw new Error(`${testsBundle} does not exist. Run: node test/vscode/build.mjs`);

  const sandbox = new Sandbox(name);
  const resultsFile = join(sandbox.root, 'results.jsonl');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const log: string[] = [];
  let exitCode: number | null = null;
  let failure: unknown;
  let artifacts: string[] = [];
  try {
    server = await CodeServer.start(sandbox, { workspace, env: { [RESULTS_FILE_ENV]: resultsFile } });
    browser = await launchBrowser(sandbox.browserProfileDir, sandbox.browserConfigDir);
    const { page } = browser;
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => { reportExit = resolve; });
    // Both hooks must exist before the workbench loads: it looks them up at start-up.
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      log.push(`[${String(type)}] ${Array.isArray(args) ? args.map(String).join(' ') : String(args)}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => reportExit(Number(code)));
    await page.goto(server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ['extensionTestsPath', server.remoteUri(testsBundle)],
    ]));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
    exitCode = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
    if (exitCode === null) failure = new Error(`the extension-host tests did not finish within ${timeoutMs} ms`);
    if (process.env.MINIONS_SCREENSHOTS) await saveScreenshot(page, `${name}-workbench`);
  } catch (err) {
    failure = err;
  }

  // Teardown runs whatever happened above; the catch leaves nothing to escape past it.
  const fullLog = [...log, ...(browser?.consoleLines ?? [])];
  const results = readResults(resultsFile, fullLog);
  if (failure !== undefined || exitCode !== 0 || results.some((r) => !r.ok)) {
    artifacts = await saveFailureArtifacts(name, { page: browser?.page, sandbox, consoleLines: fullLog, error: failure });
  }
  await browser?.close();
  await server?.stop();
  const logTail = sandbox.logTail(30);
  sandbox.remove();
  if (failure !== undefined) {
    const err = failure instanceof Error ? failure : new Error(String(failure));
    if (artifacts.length) err.message += `\nartifacts: ${artifacts.join(', ')}`;
    err.message += `\ncode-server log tail:\n${logTail}`;
    throw err;
  }
  return { exitCode, results, log: fullLog, artifacts };
}

/** Results from the results file; from the marked console lines if the file never appeared. */
function readResults(file: string, lines: string[]): HostTestResult[] {
  const raw = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').filter(Boolean)
    : lines.flatMap((line) => {
      const at = line.indexOf(MARKER);
      return at < 0 ? [] : [line.slice(at + MARKER.length)];
    });
  const results: HostTestResult[] = [];
  for (const text of raw) {
    try {
      const value = JSON.parse(text) as HostTestResult;
      if (typeof value.name === 'string' && typeof value.ok === 'boolean') results.push(value);
    } catch {
      // A console line cut short by the browser; the exit code still reports the failure.
    }
  }
  return results;
}
