import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, '../../../src/core/index/wasm-tiering.ts');

/** Each choice is per process (V8 flags are process-wide): run it in a fresh one. */
function choicesIn(...codeBytes: number[]): string[] {
  const script = `const { chooseWasmTiering } = require(${JSON.stringify(MODULE)}); console.log(JSON.stringify(${JSON.stringify(codeBytes)}.map((b) => chooseWasmTiering(b))));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as string[];
}

describe('wasm tiering for a process that owns itself', () => {
  test('a small build skips optimising the grammars, a big one keeps it; the first choice holds', () => {
    assert.deepEqual(choicesIn(4_000_000, 100_000_000), ['baseline', 'already-decided']);
    assert.deepEqual(choicesIn(100_000_000, 1), ['optimising', 'already-decided']);
  });

  test('the extension host never asks: only the CLI passes ownsProcess', () => {
    const { execSync } = require('node:child_process') as typeof import('node:child_process');
    const users = execSync(`grep -rl "ownsProcess" ${JSON.stringify(join(__dirname, '../../../src'))}`, { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/.*\/src\//, 'src/')).sort();
    assert.deepEqual(users, ['src/cli/commands/index.ts', 'src/core/index/options.ts', 'src/core/index/pipeline.ts']);
  });
});
