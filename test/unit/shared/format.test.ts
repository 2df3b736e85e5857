import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUsd, formatTokens, formatMs, savingFigures, savingPhrase, citationLabel } from '../../../src/shared/run/format';
import { ledger } from '../webview/fixtures';

test('dollars: unknown stays unknown, small amounts keep their digits', () => {
  assert.equal(formatUsd(null), 'unknown');
  assert.equal(formatUsd(undefined), 'unknown');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(0.00123), '$0.0012');
  assert.equal(formatUsd(1.5), '$1.50');
  assert.equal(formatUsd(-0.25), '-$0.25');
});

test('tokens and durations read naturally', () => {
  assert.equal(formatTokens(1234567), '1,234,567');
  assert.equal(formatMs(850), '850 ms');
  assert.equal(formatMs(4200), '4.2 s');
  assert.equal(formatMs(125_000), '2 min 5 s');
});

test('saving figures from a priced ledger', () => {
  const f = savingFigures(ledger(0.01, 0.2));
  assert.equal(f.costRatio, '20.0x cheaper');
  assert.equal(f.costPercent, '95.0%');
  assert.equal(f.saved, '$0.19');
  assert.equal(f.tokenRatio, '11.6x fewer remote tokens');
});

test('saving figures with an unknown price are unknown, not $0', () => {
  const f = savingFigures(ledger(null, null));
  assert.equal(f.costRatio, 'unknown');
  assert.equal(f.costPercent, 'unknown');
  assert.equal(f.saved, 'unknown');
  assert.equal(f.tokenRatio, '11.6x fewer remote tokens');
});

test('a run that cost more than remote-only reads as a loss, not as "0.6x cheaper"', () => {
  const f = savingFigures(ledger(0.2, 0.12));
  assert.equal(f.loss, true);
  assert.equal(f.saved, '-$0.08');
  assert.equal(f.extra, '$0.08');
  assert.equal(f.costRatio, '1.7x more expensive');
  assert.equal(savingFigures(ledger(0.01, 0.2)).loss, false);
  const tokens = savingFigures({ ...ledger(0.2, 0.12), baseline: { remotePromptTokens: 1_000, remoteCompletionTokens: 0, costUsd: 0.12 } });
  assert.equal(tokens.tokenRatio, '3.5x more remote tokens');
});

test('citation labels', () => {
  assert.equal(citationLabel('a.ts', 3, 3), 'a.ts:3');
  assert.equal(citationLabel('a.ts', 3, 9), 'a.ts:3-9');
});

test('one dollar format: a hundredth of a cent keeps two digits, never $0.0000 or <$0.0001', () => {
  assert.equal(formatUsd(0.00004), '$0.000040');
  assert.equal(formatUsd(-0.00004), '-$0.000040');
  assert.equal(formatUsd(0.0004), '$0.0004');
});

test('until the baseline is known, the saving is pending, never a loss', () => {
  const midRun = { ...ledger(0.0011, 0), savings: { costUsd: -0.0011, ratio: 0 } };
  const running = savingFigures(midRun, 'running');
  assert.equal(running.known, false);
  assert.equal(running.loss, false);
  assert.equal(running.saved, 'when the run ends');
  assert.equal(savingFigures(midRun, 'cancelled').loss, false);
  assert.equal(savingFigures(midRun, 'ok').loss, true);
  assert.equal(savingPhrase(-0.0011, 'running'), 'saving when the run ends');
  assert.equal(savingPhrase(-0.0011, 'interrupted'), 'saving none (the run did not finish)');
  assert.equal(savingPhrase(0.19, 'ok'), 'saved $0.19');
  assert.equal(savingPhrase(-0.08, 'ok'), 'cost $0.08 more than remote-only');
  assert.equal(savingPhrase(null, 'ok'), 'saving unknown');
});
