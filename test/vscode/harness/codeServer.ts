// A code-server (VS Code 1.100 served to a browser) on 127.0.0.1, with every folder it writes
// (settings, data, extensions, logs) inside one temporary sandbox that stop() removes.
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_SERVER_BIN, requireTools } from './paths';
import { spawnGroup, killGroup, sleep } from './processes';

/** Settings that keep the workbench quiet and deterministic under test. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

export class Sandbox {
  readonly root: string;
  constructor(name: string) {
    this.root = mkdtempSync(join(tmpdir(), `minions-vscode-${name}-`));
    for (const dir of ['config', 'data', 'cache', 'user/User', 'extensions', 'browser', 'browser-config']) mkdirSync(join(this.root, dir), { recursive: true });
    writeFileSync(join(this.root, 'user/User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  }
  get extensionsDir(): string { return join(this.root, 'extensions'); }
  get userDataDir(): string { return join(this.root, 'user'); }
  get browserProfileDir(): string { return join(this.root, 'browser'); }
  get browserConfigDir(): string { return join(this.root, 'browser-config'); }
  get logFile(): string { return join(this.root, 'code-server.log'); }

  /** Turns workspace trust back on (the default settings turn it off), for the untrusted-workspace tests. */
  enableWorkspaceTrust(): void {
    writeFileSync(join(this.root, 'user/User/settings.json'), JSON.stringify({ ...USER_SETTINGS, 'security.workspace.trust.enabled': true }, null, 2));
  }

  /** code-server reads and writes its config and data under these instead of the home folder. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: join(this.root, 'config'),
      XDG_DATA_HOME: join(this.root, 'data'),
      XDG_CACHE_HOME: join(this.root, 'cache'),
      ...extra,
    };
  }

  /** The last `lines` lines of code-server's output (for failure reports). */
  logTail(lines = 120): string {
    if (!existsSync(this.logFile)) return '(no code-server log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }

  remove(): void {
    if (process.env.MINIONS_KEEP_SANDBOX) return;
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Installs a packaged .vsix into the sandbox's extensions folder with code-server's own CLI. */
export async function installExtension(sandbox: Sandbox, vsix: string): Promise<void> {
  requireTools();
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist. Run: npm run package`);
  const child = spawnGroup(CODE_SERVER_BIN, ['--install-extension', vsix, '--extensions-dir', sandbox.extensionsDir,
    '--user-data-dir', sandbox.userDataDir], { env: sandbox.env(), logFile: sandbox.logFile });
  const code = await waitForExit(child.pid!, child, 120_000);
  await killGroup(child.pid!, 0); // anything it left running in its group
  if (code !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${code}):\n${sandbox.logTail(40)}`);
  }
}

export interface CodeServerOptions {
  /** Folder opened by default (the page address can still name another). */
  workspace: string;
  /** Extra environment for code-server and so for its extension host. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** Keep workspace trust on (no --disable-workspace-trust): folders open untrusted until the user trusts them. */
  workspaceTrust?: boolean;
}

export class CodeServer {
  private constructor(readonly sandbox: Sandbox, readonly port: number, /** Its process group. */ readonly pgid: number) {}

  get origin(): string { return `http://127.0.0.1:${this.port}`; }

  /** The workbench address for `folder`, optionally with a `payload` (extension development / tests). */
  workbenchUrl(folder: string, payload?: Array<[string, string]>): string {
    // A .code-workspace file opens as a (multi-root) workspace, anything else as one folder.
    const kind = folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
    let url = `${this.origin}/?${kind}=${encodeURIComponent(folder)}`;
    if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  }

  /** A path on this machine as the browser's VS Code addresses it (the server's file system). */
  remoteUri(absPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${absPath}`;
  }

  static async start(sandbox: Sandbox, options: CodeServerOptions): Promise<CodeServer> {
    requireTools();
    const port = await freePort();
    const args = [
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', sandbox.userDataDir,
      '--extensions-dir', sandbox.extensionsDir,
      options.workspace,
    ];
    const child = spawnGroup(CODE_SERVER_BIN, args, { env: sandbox.env(options.env), logFile: sandbox.logFile });
    const pgid = child.pid!;
    let exited: number | null | undefined;
    child.once('exit', (code) => { exited = code; });
    const server = new CodeServer(sandbox, port, pgid);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (exited !== undefined) {
        throw new Error(`code-server exited (code ${exited}) before it was ready:\n${sandbox.logTail(40)}`);
      }
      if (await healthy(server.origin)) return server;
      await sleep(250);
    }
    await killGroup(pgid);
    throw new Error(`code-server did not answer on ${server.origin} within ${options.readyTimeoutMs ?? 60_000} ms:\n${sandbox.logTail(40)}`);
  }

  async stop(): Promise<void> {
    await killGroup(this.pgid);
  }
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** A port that was free on 127.0.0.1 a moment ago (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForExit(pgid: number, child: import('node:child_process').ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return await new Promise((resolve) => {
    const timer = setTimeout(() => {
      void killGroup(pgid).then(() => resolve(null));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
