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

  test('the extension host never asks: only the CLI passes ownsProcess', () => {
    const { execSync } = require('node:child_process') as typeof import('node:child_process');
    const users = execSync(`grep -rl "ownsProcess" ${JSON.stringify(join(__dirname, '../../../src'))}`, { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/.*\/src\//, 'src/')).sort();
    assert.deepEqual(users, ['src/cli/commands/index.ts', 'src/core/index/options.ts', 'src/core/index/pipeline.ts']);
  });
});
