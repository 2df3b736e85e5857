import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addRun, emptyTotals, formatStatusText, formatTooltip, parseTotals, formatIndexingText } from '../../../src/extension/costCounter';
import { formatUsd, formatTokensShort as formatTokens } from '../../../src/shared/run/format';
import type { LedgerSnapshot } from '../../../src/core/ledger/types';

function ledger(cost: number | null, saved: number | null, remoteIn = 1000, remoteOut = 200, localIn = 5000, localOut = 300): LedgerSnapshot {
  return {
    local: { requests: 10, promptTokens: localIn, completionTokens: localOut },
    remote: { requests: 2, promptTokens: remoteIn, cachedPromptTokens: 0, completionTokens: remoteOut, costUsd: cost },
    baseline: { remotePromptTokens: 40000, remoteCompletionTokens: 200, costUsd: cost === null ? null : cost + (saved ?? 0) },
    savings: { costUsd: saved, ratio: null },
  };
}

test('addRun sums spent, saved and tokens across runs', () => {
  let t = emptyTotals();
  t = addRun(t, ledger(0.01, 0.2));
  t = addRun(t, ledger(0.02, 0.21, 500, 100, 1000, 50));
  assert.equal(t.runs, 2);
  assert.ok(Math.abs(t.spentUsd - 0.03) < 1e-12);
  assert.ok(Math.abs(t.savedUsd - 0.41) < 1e-12);
  assert.equal(t.remotePromptTokens, 1500);
  assert.equal(t.remoteCompletionTokens, 300);
  assert.equal(t.localTokens, 5300 + 1050);
  assert.equal(t.unpricedRuns, 0);
  assert.equal(formatStatusText(t), '$(hubot) $0.03 · saved $0.41');
});

test('an unpriced run counts its tokens but not dollars, and the tooltip says so', () => {
  const t = addRun(emptyTotals(), ledger(null, null));
  assert.equal(t.spentUsd, 0);
  assert.equal(t.savedUsd, 0);
  assert.equal(t.unpricedRuns, 1);
  assert.equal(t.remotePromptTokens, 1000);
  const tip = formatTooltip(t);
  assert.match(tip, /Runs: 1/);
  assert.match(tip, /1 run\(s\) used a remote model with no known price/);
  assert.match(tip, /Remote tokens: 1\.0k in, 200 out/);
  assert.match(tip, /Local tokens: 5\.3k/);
});

test('a negative saving is shown, not hidden', () => {
  const t = addRun(emptyTotals(), ledger(0.05, -0.02));
  assert.equal(formatStatusText(t), '$(hubot) $0.05 · cost $0.02 more');
});

test('a run cut short adds its spend but no saving: its baseline was never known', () => {
  // A cancelled run's ledger has a zero baseline, so its "saving" is minus what it spent.
  const t = addRun(emptyTotals(), ledger(0.0011, -0.0011), 'cancelled');
  assert.equal(t.spentUsd, 0.0011);
  assert.equal(t.savedUsd, 0);
  assert.equal(formatStatusText(t), '$(hubot) $0.0011 · saved $0.00');
});

test('formatUsd and formatTokens', () => {
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(0.034), '$0.03');
  assert.equal(formatUsd(0.00123), '$0.0012');
  assert.equal(formatUsd(0.00001), '$0.000010');
  assert.equal(formatUsd(12.5), '$12.50');
  assert.equal(formatTokens(999), '999');
  assert.equal(formatTokens(1234), '1.2k');
  assert.equal(formatTokens(123456), '123k');
  assert.equal(formatTokens(2_500_000), '2.50M');
  assert.equal(formatIndexingText(3, 10), '$(sync~spin) Minions: indexing 3/10');
  assert.equal(formatIndexingText(0, 0), '$(sync~spin) Minions: indexing…');
});

test('parseTotals keeps valid numbers and drops junk', () => {
  assert.deepEqual(parseTotals(undefined), emptyTotals());
  assert.deepEqual(parseTotals('x'), emptyTotals());
  const t = parseTotals({ runs: 3, spentUsd: 0.5, savedUsd: 'lots', localTokens: -4, extra: 1 });
  assert.equal(t.runs, 3);
  assert.equal(t.spentUsd, 0.5);
  assert.equal(t.savedUsd, 0);
  assert.equal(t.localTokens, 0);
  assert.equal('extra' in t, false);
});

test('a negative saving survives a reload (the totals read back from storage keep it)', () => {
  const ledger = {
    local: { requests: 3, promptTokens: 900, completionTokens: 60 },
    remote: { requests: 2, promptTokens: 3000, cachedPromptTokens: 0, completionTokens: 200, costUsd: 0.002 },
    baseline: { remotePromptTokens: 900, remoteCompletionTokens: 200, costUsd: 0.0009 },
    baselines: {
      sameContext: { promptTokens: 900, completionTokens: 200, costUsd: 0.0009, tokenizer: 'o200k_base', estimated: true, calls: 1 },
      remoteOnly: { promptTokens: 1100, completionTokens: 200, costUsd: 0.0011, tokenizer: 'o200k_base', estimated: true },
      headline: 'sameContext' as const,
    },
    savings: { costUsd: -0.0011, ratio: 0.45 },
  };
  const saved = addRun(emptyTotals(), ledger);
  const reloaded = parseTotals(JSON.parse(JSON.stringify(saved)));
  assert.ok(Math.abs(reloaded.savedUsd + 0.0011) < 1e-12);
  assert.match(formatStatusText(reloaded), /cost \$0\.0011 more/);
  const tip = formatTooltip(reloaded);
  assert.match(tip, /Same-context baseline: \$0\.0009/);
  assert.match(tip, /Remote-only baseline: \$0\.0011/);
});
