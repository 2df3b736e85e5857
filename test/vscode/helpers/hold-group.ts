// Helper process for teardown.test.ts: starts a process group the way the harness does, prints
// its id, then either exits normally ("exit") or waits to be killed ("wait").
import { spawnGroup } from '../harness/processes';

const mode = process.argv[2] ?? 'wait';
const logFile = process.argv[3] ?? '/dev/null';
// A shell with a grandchild, as code-server has its extension host.
const child = spawnGroup('/bin/sh', ['-c', 'sleep 300 & sleep 300'], { logFile });
console.log(`PGID ${child.pid}`);
if (mode === 'exit') setTimeout(() => process.exit(0), 300);
else setInterval(() => undefined, 1000);
