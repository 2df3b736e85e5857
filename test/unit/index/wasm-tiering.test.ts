import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, '../../../src/core/index/wasm-tiering.ts');

/** The choice is per process (V8 flags are process-wide): run it in a fresh one. */
function inFreshProcess(body: string): unknown {
  const script = `const { chooseBaselineWasm } = require(${JSON.stringify(MODULE)}); const v8 = require('node:v8'); ${body}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim());
}

describe('wasm tiering for a process that owns itself', () => {
  test('the first call sets V8 to its baseline wasm tier, later ones change nothing', () => {
    // V8's cached-data tag is derived from its flags: it changes when --liftoff-only is set.
    const out = inFreshProcess(`const tag = () => v8.cachedDataVersionTag(); const t0 = tag(); const a = chooseBaselineWasm(); const t1 = tag(); const b = chooseBaselineWasm(); v8.setFlagsFromString('--liftoff-only'); console.log(JSON.stringify([a, b, t0 !== t1, t1 === tag()]));`);
    assert.deepEqual(out, ['baseline', 'already-decided', true, true]);
  });

  test('the runtime is compiled before the choice and parse workers are handed it: they still parse by syntax', () => {
    const pool = JSON.stringify(join(__dirname, '../../../src/core/index/parse-pool.ts'));
    const out = inFreshProcess(`(async () => {
      const tiering = require(${JSON.stringify(MODULE)});
      const before = tiering.optimisedRuntime() === undefined;
      tiering.chooseBaselineWasm();
      const runtime = tiering.optimisedRuntime();
      const runner = require(${pool}).createChunkRunner(1);
      const { specList } = require(${JSON.stringify(join(__dirname, '../../../src/core/index/spec-columns.ts'))});
      const r = await runner.chunk({ text: 'export function launch(count: number) {\\n  return count + 1;\\n}\\n', language: 'typescript', grammar: 'typescript', chunkTokens: 400, parseBudgetMs: 5000 });
      await runner.close();
      console.log(JSON.stringify([before, runtime instanceof WebAssembly.Module, r.method, specList(r.chunks).map((c) => c.symbol)]));
    })().catch((e) => { console.error(e); process.exit(1); });`);
    assert.deepEqual(out, [true, true, 'syntax', ['launch']]);
  });

  test('a thread handed a compiled runtime instantiates it and parses with it', () => {
    const grammars = JSON.stringify(join(__dirname, '../../../src/core/index/grammars.ts'));
    const out = inFreshProcess(`(async () => {
      const g = require(${grammars});
      const module = new WebAssembly.Module(require('node:fs').readFileSync(g.locateGrammars().runtime));
      g.useCompiledRuntime(module);
      const lang = await g.loadLanguage('javascript');
      const parser = new g.Parser();
      parser.setLanguage(lang);
      const tree = parser.parse('const answer = 42;');
      console.log(JSON.stringify([tree.rootNode.type, tree.rootNode.firstChild.type]));
    })().catch((e) => { console.error(e); process.exit(1); });`);
    assert.deepEqual(out, ['program', 'lexical_declaration']);
  });

  test('the extension host never asks: only the CLI passes ownsProcess', () => {
    const { execSync } = require('node:child_process') as typeof import('node:child_process');
    const users = execSync(`grep -rl "ownsProcess" ${JSON.stringify(join(__dirname, '../../../src'))}`, { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/.*\/src\//, 'src/')).sort();
    assert.deepEqual(users, ['src/cli/commands/index.ts', 'src/core/index/options.ts', 'src/core/index/pipeline.ts']);
  });
});
