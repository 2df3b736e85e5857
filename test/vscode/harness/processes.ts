// Starts the harness's long-lived processes (code-server) so that none outlives the test:
// each runs as its own process group under a guardian that kills the group if this process
// vanishes, and every group still alive is killed on this process's exit or on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GUARDIAN = fileURLToPath(new URL('./guardian.mjs', import.meta.url));
const liveGroups = new Set<number>();
let handlersInstalled = false;

export interface GroupOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr both go to this file (appended). */
  logFile: string;
}

/** Spawns `command args` as a new process group whose stdout/stderr go to `logFile`. */
export function spawnGroup(command: string, args: string[], options: GroupOptions): ChildProcess {
  installExitHandlers();
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(process.execPath, [GUARDIAN, String(process.pid), command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true, // the guardian leads a new process group: one kill reaches everything it starts
      stdio: ['ignore', fd, fd],
    });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    // Let the test process exit on its own; teardown and the exit handler still kill the group.
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** True while any process of the group led by `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Asks the group to stop (SIGTERM), then SIGKILLs whatever is left after `graceMs`. */
export async function killGroup(pgid: number, graceMs = 3000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (groupAlive(pgid) && Date.now() < hardDeadline) await sleep(50);
  liveGroups.delete(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function killAllNow(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
