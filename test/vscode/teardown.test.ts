// The harness's promise that no test leaves a process or a server behind: process groups die
// with their test process however it ends, and code-server listens on loopback only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { groupAlive, killGroup, sleep, spawnGroup } from './harness/processes';
import { CodeServer, Sandbox } from './harness/codeServer';
import { FIXTURE_WORKSPACE } from './harness/paths';

const HOLDER = new URL('./helpers/hold-group.ts', import.meta.url).pathname;

/** Starts hold-group.ts in a separate node process and returns it with the group it started. */
async function startHolder(mode: 'exit' | 'wait'): Promise<{ holder: ReturnType<typeof spawn>; pgid: number }> {
  const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pgid = await new Promise<number>((resolve, reject) => {
    let out = '';
    holder.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PGID (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    holder.once('exit', () => reject(new Error(`holder exited before reporting its group: ${out}`)));
  });
  return { holder, pgid };
}

async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(100);
  }
  return !groupAlive(pgid);
}

/** Pids of the processes in group `pgid` (field 5 of /proc/PID/stat). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Local "address:port" (hex, as /proc/net/tcp* write them) of every socket group `pgid` listens on. */
function groupListeners(pgid: number): string[] {
  const inodes = new Set<string>();
  for (const pid of groupPids(pgid)) {
    let fds: string[] = [];
    try { fds = readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed while we looked
      }
    }
  }
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1));
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((cols) => cols[3] === '0A' && inodes.has(cols[9] ?? '')) // 0A = LISTEN, column 10 = inode
    .map((cols) => cols[1]!);
}

describe('harness teardown', () => {
  it('killGroup ends a process group with its grandchildren', async () => {
    const child = spawnGroup('/bin/sh', ['-c', 'sleep 300 & sleep 300'], { logFile: '/dev/null' });
    const pgid = child.pid!;
    await sleep(200);
    assert.equal(groupAlive(pgid), true);
    await killGroup(pgid, 1000);
    assert.equal(groupAlive(pgid), false);
  });

  it('a group dies when its test process exits without tearing down', async () => {
    const { holder, pgid } = await startHolder('exit');
    await new Promise((resolve) => holder.once('exit', resolve));
    assert.equal(await waitGone(pgid, 3000), true, `group ${pgid} outlived its test process`);
  });

  it('a group dies when its test process is SIGKILLed (the guardian notices)', async () => {
    const { holder, pgid } = await startHolder('wait');
    assert.equal(groupAlive(pgid), true);
    holder.kill('SIGKILL');
    const gone = await waitGone(pgid, 5000);
    if (!gone) await killGroup(pgid, 0);
    assert.equal(gone, true, `group ${pgid} outlived a SIGKILLed test process`);
  });

  it('code-server listens on 127.0.0.1 only and is gone after stop()', async () => {
    const sandbox = new Sandbox('teardown');
    const server = await CodeServer.start(sandbox, { workspace: FIXTURE_WORKSPACE });
    const hexPort = server.port.toString(16).toUpperCase().padStart(4, '0');
    try {
      const listeners = groupListeners(server.pgid);
      assert.ok(listeners.includes(`0100007F:${hexPort}`), `not listening on 127.0.0.1:${server.port}: ${JSON.stringify(listeners)}`);
      const elsewhere = listeners.filter((address) => !address.startsWith('0100007F:'));
      assert.deepEqual(elsewhere, [], 'code-server listens beyond 127.0.0.1 (0100007F)');
      const res = await fetch(`${server.origin}/healthz`);
      assert.equal(res.ok, true);
    } finally {
      await server.stop();
      sandbox.remove();
    }
    assert.equal(groupAlive(server.pgid), false, 'code-server is still running after stop()');
  });
});
