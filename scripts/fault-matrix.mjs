// Issue 7's fault matrix, from a real run of the hardening tests in every area.
//   node scripts/fault-matrix.mjs            unit-level hardening tests (about 3 minutes here)
//   node scripts/fault-matrix.mjs --vscode   also the code-server ones (webview, untrusted workspace)
// Each test file runs on its own (TAP reporter); every fault listed below is counted only if the
// test that exercises it passed in this run. The privacy tests leave `leak-check {...}`
// diagnostics (requests captured, requests leaking, secret bytes sent), which are summed.
// Exits non-zero if any listed test failed or is missing, or if anything leaked.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const withVscode = process.argv.includes('--vscode');

// outcome: what the run does with the fault — 'completes' (the run finishes with an answer),
// 'clear-error' (it stops with one typed error that says what to do), 'cancelled' (stops at once,
// nothing left open), 'refused' (hostile input rejected or rendered inert), 'skipped' (the index
// leaves it out, unread), 'handled' (odd but valid input indexed correctly).
const M = [
  ['test/unit/protocol/faults.test.ts', [
    ['malformed local JSON', 'local: malformed JSON (repaired once, then that job fails)', 'completes'],
    ['malformed remote JSON twice', 'remote: malformed JSON twice', 'clear-error'],
    ['a job that hangs times out', 'local: hang (per-request timeout)', 'completes'],
    ['429 with retry-after on the plan', 'remote: 429 with retry-after', 'completes'],
    ['Ollama down', 'local: down at start', 'clear-error'],
    ['local model missing', 'local: model missing', 'clear-error'],
    ['remote key rejected', 'remote: 401 key rejected (not retried)', 'clear-error'],
    ['cancel mid-run', 'cancel while executing', 'cancelled'],
    ['cancel while planning and while synthesizing', 'cancel while planning', 'cancelled'],
    ['cancel while planning and while synthesizing', 'cancel while synthesizing', 'cancelled'],
  ]],
  ['test/unit/protocol/hardening.test.ts', [
    ['silent num_ctx truncation', 'local: prompt silently truncated (num_ctx)', 'completes'],
    ['model unloaded mid-run', 'local: model unloaded mid-run (500s)', 'completes'],
    ['model unloaded mid-run', 'local: `length` stop', 'completes'],
    ['the local server dies mid-run', 'local: dies mid-run', 'clear-error'],
    ['400 on response_format falls back', 'remote: 400 on response_format (fallback)', 'completes'],
    ['400 on response_format falls back', 'remote: 429 without retry-after', 'completes'],
    ['400 on response_format falls back', 'remote: 503', 'completes'],
    ['an empty choice is repaired', 'remote: empty choice', 'completes'],
    ['an empty choice is repaired', 'remote: refusal', 'clear-error'],
    ['plans with zero tasks', 'remote: plan with zero tasks', 'completes'],
    ['plans with zero tasks', 'remote: plan with 1,000 tasks (caps hold)', 'completes'],
    ['plans with zero tasks', 'remote: plan globs that match nothing', 'completes'],
    ['cannot leak the key', 'prompt injection asks for the API key', 'completes'],
    ['2,000 jobs with P=8 slots', 'load: 2,000 jobs on P=8 slots', 'completes'],
  ]],
  ['test/unit/llm/ollama.test.ts', [
    ['a hung server times out', 'local client: hung server (no bytes)', 'clear-error'],
    ['cancelling a non-streaming request', 'local client: cancel closes the connection', 'cancelled'],
    ['500 (model unloaded) is retried', 'local client: 500 then success', 'completes'],
    ['a `length` stop is reported', 'local client: `length` stop', 'completes'],
  ]],
  ['test/unit/llm/openai.test.ts', [
    ['429 every time ends in remote-rate-limited', 'remote client: 429 every time / quota', 'clear-error'],
    ['no key: remote-key-missing', 'remote client: no key / 404 model', 'clear-error'],
    ['500 is retried; a refusal and an empty choice', 'remote client: 500 retried', 'completes'],
    ['a slow stream is fine while bytes flow', 'remote client: slow stream', 'completes'],
    ['a slow stream is fine while bytes flow', 'remote client: silent stream times out', 'clear-error'],
    ['server down: remote-unreachable', 'remote client: server down', 'clear-error'],
    ['a model that rejects temperature', 'remote client: 400 on temperature (reasoning model)', 'completes'],
  ]],
  ['test/unit/protocol/cli-ask.test.ts', [
    ['errors: one `minions: ...` line', 'CLI: 8 error cases (no key, key rejected, model missing x2, Ollama down, bad protocol, no question, strict+remote)', 'clear-error'],
  ]],
  ['test/unit/hardening/api-key.test.ts', [
    ['401 key rejected error', 'remote echoes the key in a 401', 'clear-error'],
    ['403 forbidden error', 'remote echoes the key in a 403', 'clear-error'],
    ['404 model error', 'remote echoes the key in a 404', 'clear-error'],
    ['400 bad request error', 'remote echoes the key in a 400', 'clear-error'],
    ['429 quota error', 'remote echoes the key in a 429 (quota)', 'clear-error'],
    ['500 server error', 'remote echoes the key in a 500', 'clear-error'],
    ['the setup check (GET /models)', 'setup check with an echoed, rejected key', 'clear-error'],
    ['a run whose remote echoes the key', 'run against a key-echoing remote (401, 500)', 'clear-error'],
    ['minions ask with a rejected key', 'CLI with a rejected, echoed key', 'clear-error'],
  ]],
  ['test/unit/hardening/schema-faults.test.ts', [
    ['local JSON that violates the schema', 'local: JSON that violates the schema', 'completes'],
    ['cuts its HTTP body off mid-JSON', 'local: HTTP body cut off mid-JSON (truncated)', 'completes'],
    ['a plan that parses but violates the schema', 'remote: plan JSON that violates the schema', 'clear-error'],
    ['403 from the remote is never retried', 'remote: 403 (not retried)', 'clear-error'],
  ]],
  ['test/unit/hardening/privacy.test.ts', [
    ['minions: no canary byte', 'secrets + ignored files, MinionS', 'completes'],
    ['minion: no canary byte', 'secrets + ignored files, Minion', 'completes'],
    ['remote: no canary byte', 'secrets + ignored files, remote-only', 'completes'],
    ['local: no canary byte', 'secrets + ignored files, local-only', 'completes'],
    ['minions ask (spawned CLI)', 'secrets + ignored files, CLI x4 protocols', 'completes'],
    ['minions, strict', 'strict privacy vs code-quoting workers, MinionS', 'completes'],
    ['minion, strict', 'strict privacy vs code-quoting workers, Minion', 'completes'],
  ]],
  ['test/unit/hardening/index-scale.test.ts', [
    ['builds completely with progress', 'index: 20k-file workspace (progress, bounded memory)', 'handled'],
    ['cancelling half-way', 'index: cancel half-way through a large tree', 'cancelled'],
    ['is skipped by the size cap', 'index: 50 MB file', 'skipped'],
  ]],
  ['test/unit/index/walk.test.ts', [
    ['secret-looking files are left out', 'index: 11 secret-looking files never opened', 'skipped'],
    ['binary files (by content', 'index: binary named .ts, oversized, minified bundle', 'skipped'],
    ['symbolic links are not followed', 'index: symlink loop and links out of the workspace', 'skipped'],
    ['paths with spaces and unicode', 'index: paths with spaces and unicode', 'handled'],
    ['CRLF, lone CR and mixed line endings', 'index: CRLF / CR / mixed line endings', 'handled'],
    ['invalid UTF-8 is indexed', 'index: invalid UTF-8', 'handled'],
    ['a missing folder is a clear error', 'index: missing folder', 'clear-error'],
    ['a file that vanishes between the walk', 'index: file vanishes mid-walk', 'handled'],
  ]],
  ['test/unit/index/chunk.test.ts', [
    ['a parse past its time budget', 'index: parser slower than its budget', 'handled'],
    ['a grammar that traps inside wasm', 'index: grammar trap in wasm', 'handled'],
  ]],
  ['test/unit/webview/markdown.test.ts', [
    ['hostile model output is inert', 'webview: hostile model output (each payload)', 'refused'],
    ['raw HTML is shown as text', 'webview: raw HTML in markdown', 'refused'],
  ]],
  ['test/unit/webview/panel-host.test.ts', [
    ['anything that leaves the workspace is refused', 'webview: citations leaving the workspace', 'refused'],
    ['a link inside the workspace to a file outside', 'webview: symlink inside pointing outside', 'refused'],
    ['never stores a key, even one echoed in an error', 'history: echoed key never stored', 'refused'],
    ['refuses run ids that are not safe file names', 'history: unsafe run ids', 'refused'],
  ]],
];
const VSCODE = [
  ['test/vscode/e2e-panel-render.test.ts', [
    ['renders model output carrying XSS payloads inert', 'real webview: XSS payloads inert', 'refused'],
  ]],
  ['test/vscode/e2e-hardening-trust.test.ts', [
    ['untrusted: Ask explains why nothing runs', 'untrusted workspace: no run, clear explanation', 'refused'],
  ]],
];

function runFile(file) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', file],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0' } });
  const results = [];
  const diagnostics = [];
  const lines = (r.stdout ?? '').split('\n');
  for (const [i, line] of lines.entries()) {
    const m = /^\s*(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO).*)?$/.exec(line);
    // A failure's YAML block follows its line: keep the first lines of it to show why.
    if (m) results.push({ name: m[2], ok: m[1] === 'ok' && !m[3], why: m[1] === 'ok' ? '' : lines.slice(i + 1, i + 14).join('\n') });
    const d = /^\s*# (leak-check|figures:) (.*)$/.exec(line);
    if (d) diagnostics.push({ kind: d[1], json: d[2] });
  }
  return { results, diagnostics, status: r.status };
}

const rows = [];
const counts = { faults: 0, completes: 0, 'clear-error': 0, cancelled: 0, refused: 0, skipped: 0, handled: 0 };
const leak = { requestsCaptured: 0, requestsLeaking: 0, secretBytesSent: 0 };
let problems = 0;
for (const [file, faults] of withVscode ? [...M, ...VSCODE] : M) {
  if (!existsSync(join(root, file))) {
    console.log(`MISSING ${file}`);
    problems++;
    continue;
  }
  process.stderr.write(`running ${file}\n`);
  const { results, diagnostics } = runFile(file);
  for (const d of diagnostics) {
    if (d.kind !== 'leak-check') continue;
    const v = JSON.parse(d.json);
    for (const k of Object.keys(leak)) leak[k] += v[k] ?? 0;
  }
  for (const [testName, fault, outcome] of faults) {
    const hit = results.find((x) => x.name.includes(testName));
    const state = !hit ? 'MISSING' : hit.ok ? 'pass' : 'FAIL';
    if (state !== 'pass') problems++;
    if (state === 'FAIL') console.error(`FAIL ${file}: ${hit.name}\n${hit.why}`);
    else {
      counts.faults++;
      counts[outcome]++;
    }
    rows.push([state, outcome, fault, file]);
  }
}

const w = [7, 12, Math.max(...rows.map((r) => r[2].length))];
for (const r of rows) console.log(`${r[0].padEnd(w[0])} ${r[1].padEnd(w[1])} ${r[2].padEnd(w[2])}  ${r[3]}`);
console.log('');
console.log(`faults tried: ${counts.faults} (passing tests)`);
console.log(`  runs completed: ${counts.completes}   clear errors: ${counts['clear-error']}   cancelled cleanly: ${counts.cancelled}`);
console.log(`  hostile input refused/inert: ${counts.refused}   left out unread: ${counts.skipped}   odd input handled: ${counts.handled}`);
console.log(`requests captured by the privacy checks: ${leak.requestsCaptured}   requests leaked: ${leak.requestsLeaking}   bytes of secrets sent: ${leak.secretBytesSent}`);
if (problems || leak.requestsLeaking || leak.secretBytesSent) {
  console.log(`fault-matrix: ${problems} listed test(s) failed or missing`);
  process.exit(1);
}
