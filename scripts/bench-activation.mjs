// Measures what activating the extension costs the extension host: loading dist/extension.js
// and running activate(), against a baseline measured in the same run — a minimal extension
// doing only what any extension with this UI must (an output channel, a status-bar item and
// the same 14 command registrations). Each sample is a fresh Node process, so the module
// load is cold every time. `vscode` is a recording stub: only the extension's own work is timed.
//   node scripts/bench-activation.mjs [--samples N]     (build first: node esbuild.mjs --production)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/extension.js');
if (!existsSync(bundle)) {
  console.error('bench-activation: dist/extension.js is missing. Run: node esbuild.mjs --production');
  process.exit(1);
}
const samplesArg = process.argv.indexOf('--samples');
const SAMPLES = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 15;

// Runs in each child: a stub `vscode` whose every member is callable and constructible, then
// require + activate timed with performance.now(). Prints one JSON line.
const CHILD = String.raw`
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const handler = {
  get: (t, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => 0 : k === Symbol.iterator ? function* () {} : stub),
  set: () => true,
  apply: () => stub,
  construct: () => stub,
};
const stub = new Proxy(function () {}, handler);
// A plain object with the API's top-level names: bundlers copy a CommonJS module's own keys.
const vscodeModule = {};
for (const name of ['window', 'workspace', 'commands', 'env', 'languages', 'extensions', 'l10n', 'Uri', 'EventEmitter', 'Disposable',
  'StatusBarAlignment', 'ProgressLocation', 'ConfigurationTarget', 'MarkdownString', 'Range', 'Position', 'Selection', 'ViewColumn',
  'ThemeIcon', 'ThemeColor', 'TabInputWebview', 'TabInputText']) vscodeModule[name] = stub;
const realLoad = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscodeModule : realLoad.call(this, request, ...rest); };
const context = new Proxy(function () {}, handler);
const t0 = performance.now();
const ext = require(process.argv[1]);
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1 }) + '\n');
process.exit(0);
`;

const BASELINE = `
const vscode = require('vscode');
exports.activate = (context) => {
  const channel = vscode.window.createOutputChannel('Baseline', 'log');
  const item = vscode.window.createStatusBarItem('baseline', vscode.StatusBarAlignment.Right, 100);
  item.text = '$(hubot) $0.00'; item.show();
  const ids = ${JSON.stringify(Array.from({ length: 14 }, (_, i) => `baseline.command${i}`))};
  for (const id of ids) context.subscriptions.push(vscode.commands.registerCommand(id, () => channel.appendLine(id)));
  context.subscriptions.push(channel, item);
};
`;

function sample(file) {
  const r = spawnSync(process.execPath, ['-e', CHILD, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed for ${file}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const dir = mkdtempSync(join(tmpdir(), 'minions-bench-activation-'));
try {
  const baselineFile = join(dir, 'baseline.js');
  writeFileSync(baselineFile, BASELINE);
  const ours = [];
  const base = [];
  for (let i = 0; i < SAMPLES; i++) { // interleaved, so machine noise hits both alike
    ours.push(sample(bundle));
    base.push(sample(baselineFile));
  }
  const fig = (rows) => ({ load: median(rows.map((r) => r.loadMs)), activate: median(rows.map((r) => r.activateMs)), total: median(rows.map((r) => r.loadMs + r.activateMs)) });
  const o = fig(ours);
  const b = fig(base);
  const kb = (statSync(bundle).size / 1024).toFixed(0);
  console.log(`activation, median of ${SAMPLES} cold processes (dist/extension.js ${kb} KiB)`);
  console.log(`  minions : load ${o.load.toFixed(2)} ms + activate ${o.activate.toFixed(2)} ms = ${o.total.toFixed(2)} ms`);
  console.log(`  baseline: load ${b.load.toFixed(2)} ms + activate ${b.activate.toFixed(2)} ms = ${b.total.toFixed(2)} ms (minimal extension, same UI surface)`);
  console.log(`  ratio   : ${(o.total / b.total).toFixed(1)}x the baseline; ${(o.total - b.total).toFixed(2)} ms over it`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
