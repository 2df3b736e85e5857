import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, '../../../src/core/index/jit-budget.ts');

describe('a later JIT for a process that owns itself', () => {
  test('the first call raises V8 interrupt budget, later ones change nothing', () => {
    // V8's cached-data tag is derived from its flags: it changes when the budget does.
    const script = `const { chooseLaterJit, INDEX_INTERRUPT_BUDGET } = require(${JSON.stringify(MODULE)}); const v8 = require('node:v8');
      const t0 = v8.cachedDataVersionTag(); const a = chooseLaterJit(); const t1 = v8.cachedDataVersionTag(); const b = chooseLaterJit();
      v8.setFlagsFromString('--interrupt-budget=' + INDEX_INTERRUPT_BUDGET);
      console.log(JSON.stringify([a, b, t0 !== t1, t1 === v8.cachedDataVersionTag()]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), ['later', 'already-decided', true, true]);
  });
});
