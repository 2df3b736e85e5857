// Runs one command as the leader of its own process group and takes the whole group down
// when the test process that started it disappears, even if that process was SIGKILLed and
// could run no cleanup of its own.  Usage: node guardian.mjs <watched-pid> <command> [args...]
import { spawn } from 'node:child_process';

const [watchedArg, command, ...args] = process.argv.slice(2);
const watched = Number(watchedArg);
if (!Number.isInteger(watched) || !command) {
  console.error('usage: node guardian.mjs <watched-pid> <command> [args...]');
  process.exit(2);
}

const child = spawn(command, args, { stdio: 'inherit' });

function killGroup() {
  try { process.kill(-process.pid, 'SIGKILL'); } catch { /* already gone */ }
}

const poll = setInterval(() => {
  try { process.kill(watched, 0); } catch { killGroup(); }
}, 500);

// A TERM for the group reaches the child directly; the guardian just waits for its exit.
process.on('SIGTERM', () => {});
child.on('error', (err) => {
  console.error(`guardian: cannot start ${command}: ${err.message}`);
  clearInterval(poll);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(poll);
  process.exit(code ?? (signal ? 128 : 1));
});
