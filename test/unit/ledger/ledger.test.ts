import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../../../src/core/ledger/ledger';
import { priceOf, costOf, mergePrices, DEFAULT_PRICES } from '../../../src/core/ledger/pricing';

test('prices: exact, provider prefix and dated snapshots match; longer names never borrow a shorter price', () => {
  assert.deepEqual(priceOf('gpt-4o'), DEFAULT_PRICES['gpt-4o']);
  assert.deepEqual(priceOf('openai/gpt-4o-mini'), DEFAULT_PRICES['gpt-4o-mini']);
  assert.deepEqual(priceOf('gpt-4o-mini-2024-07-18'), DEFAULT_PRICES['gpt-4o-mini']);
  assert.deepEqual(priceOf('gpt-4.1-2025-04-14'), DEFAULT_PRICES['gpt-4.1']);
  assert.equal(priceOf('o1-pro'), undefined);
  assert.equal(priceOf('gpt-4o-audio-preview'), undefined);
  assert.equal(priceOf('my-local-llama'), undefined);
});

test('cost splits cached and uncached prompt tokens; unknown price is null, not 0', () => {
  const price = { input: 2, cachedInput: 0.5, output: 8 };
  assert.equal(costOf({ promptTokens: 1_000_000, cachedPromptTokens: 400_000, completionTokens: 100_000 }, price), 0.6 * 2 + 0.4 * 0.5 + 0.1 * 8);
  assert.equal(costOf({ promptTokens: 10, completionTokens: 10 }, undefined), null);
});

test('overrides extend the table and report malformed entries', () => {
  const { table, invalid } = mergePrices({ 'my-model': { input: 1, output: 2 }, bad: { input: 'x' }, worse: null });
  assert.deepEqual(table['my-model'], { input: 1, output: 2, cachedInput: 1 });
  assert.deepEqual(invalid.sort(), ['bad', 'worse']);
});

test('the ledger sums what it is given, prices the remote and computes the saving', () => {
  const l = new Ledger('gpt-4o-mini');
  l.add('local', { promptTokens: 500, completionTokens: 40 });
  l.add('local', { promptTokens: 700, completionTokens: 60 });
  l.add('remote', { promptTokens: 2000, cachedPromptTokens: 1000, completionTokens: 300 });
  l.setBaselines({ kind: 'counted', tokenizer: 'o200k_base', sameContext: { promptTokens: 100_000, completionTokens: 300, calls: 1 }, remoteOnly: { promptTokens: 120_000, completionTokens: 300 } });
  const s = l.snapshot();
  assert.deepEqual(s.local, { requests: 2, promptTokens: 1200, completionTokens: 100 });
  assert.equal(s.remote.requests, 1);
  const actual = (1000 * 0.15 + 1000 * 0.075 + 300 * 0.6) / 1e6;
  const baseline = (100_000 * 0.15 + 300 * 0.6) / 1e6;
  assert.equal(s.remote.costUsd, Math.round(actual * 1e8) / 1e8);
  assert.equal(s.baseline.costUsd, Math.round(baseline * 1e8) / 1e8);
  assert.ok(Math.abs(s.savings.costUsd! - (baseline - actual)) < 1e-7);
  assert.ok(Math.abs(s.savings.ratio! - baseline / actual) < 1e-3);
});

test('an unknown remote model gives null dollars everywhere, tokens still counted', () => {
  const l = new Ledger('mystery-model');
  l.add('remote', { promptTokens: 10, completionTokens: 5 });
  l.setBaselines({ kind: 'counted', tokenizer: 'o200k_base', sameContext: { promptTokens: 1000, completionTokens: 5, calls: 1 }, remoteOnly: { promptTokens: 1000, completionTokens: 5 } });
  const s = l.snapshot();
  assert.equal(s.remote.costUsd, null);
  assert.equal(s.baseline.costUsd, null);
  assert.deepEqual(s.savings, { costUsd: null, ratio: null });
  assert.equal(s.remote.promptTokens, 10);
});
