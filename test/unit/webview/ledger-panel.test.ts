// Issue 11 in the panel (jsdom) and the export: both baselines one line each, the estimate and
// the spend against the cap, a partial run's Retry answer button, and the per-request view of
// what left this machine (as text, never markup); the history keeps a partial run as partial.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { buildRunView } from '../../../src/shared/run/view';
import { runToMarkdown } from '../../../src/extension/panel/export-markdown';
import { historySummary as historyLine } from '../../../src/shared/run/summary';
import { parseWebviewMessage } from '../../../src/shared/messages';
import type { RunEvent } from '../../../src/core/protocol/events';
import type { LedgerSnapshot } from '../../../src/core/ledger/types';
import { ledger, sampleRun } from './fixtures';

let dom: JSDOM;
before(() => {
  dom = new JSDOM('<!DOCTYPE html><body></body>');
  Object.assign(globalThis, { document: dom.window.document, HTMLElement: dom.window.HTMLElement });
});

function withBaselines(l: LedgerSnapshot): LedgerSnapshot {
  return {
    ...l,
    baselines: {
      sameContext: { promptTokens: 9_000, completionTokens: 500, costUsd: 0.05, tokenizer: 'o200k_base', estimated: true, calls: 1 },
      remoteOnly: { promptTokens: 24_000, completionTokens: 500, costUsd: 0.12, tokenizer: 'o200k_base', estimated: true },
      headline: 'sameContext',
    },
  };
}

/** A run whose synthesis failed after its jobs ran: partial, findings kept, every remote request recorded. */
function partialRun(): RunEvent[] {
  const base = sampleRun(4).filter((e) => e.type !== 'answer' && e.type !== 'run-finished');
  const l = withBaselines(ledger(0.01, 0.05));
  return [
    base[0]!,
    { type: 'estimate', protocol: 'minions', expected: { promptTokens: 5_000, completionTokens: 1_100, costUsd: 0.023, tokenizer: 'o200k_base' },
      remoteOnly: { promptTokens: 24_000, completionTokens: 700, costUsd: 0.067, tokenizer: 'o200k_base' }, cap: { maxUsd: 0.5 } },
    { type: 'remote-request', request: { purpose: 'plan', model: 'gpt-4o', attempt: {
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Question: <script>alert(1)</script> where?' }], max_tokens: 2000 },
      ms: 420, ok: true, timedOut: false, content: '{"tasks":[]}', finishReason: 'stop', usage: { promptTokens: 900, completionTokens: 40 } } } },
    ...base.slice(1),
    { type: 'remote-request', request: { purpose: 'synthesis', model: 'gpt-4o', attempt: {
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Findings: ```x``` here' }] }, ms: 300, ok: false, timedOut: false,
      error: { code: 'remote-bad-output', message: 'not JSON' } } } },
    { type: 'error', error: { code: 'remote-bad-output', message: 'The remote model gpt-4o did not give a usable answer' }, fatal: true },
    { type: 'run-finished', ok: false, status: 'partial', reason: 'remote-bad-output', rounds: 1, ms: 5000, ledger: l },
  ];
}

describe('ledger, retry and remote requests in the panel', () => {
  test('the ledger shows the estimate, the cap, and both baselines one line each with what they count', async () => {
    const { LedgerView } = await import('../../../src/webview/views/ledger');
    const v = new LedgerView();
    v.update(buildRunView('run-1', partialRun()));
    const row = (id: string) => v.el.querySelector(`[data-row="${id}"]`)?.textContent ?? '';
    assert.match(row('estimate'), /\$0\.02.*before the run.*estimated with o200k_base/);
    assert.match(row('cap'), /\$0\.01 of \$0\.50/);
    assert.match(row('same-context-baseline'), /\$0\.05.*answered or abstained on.*estimated with o200k_base/);
    assert.match(row('remote-only-baseline'), /\$0\.12.*the one request remote-only would send/);
    assert.match(v.el.textContent ?? '', /Same-context baseline \(headline\)/);

    // Before any usage arrives, the estimate alone is shown (the panel shows it before the run spends).
    const early = new LedgerView();
    early.update(buildRunView('run-1', partialRun().slice(0, 2)));
    assert.equal(early.el.hidden, false);
    assert.ok(early.el.querySelector('[data-row="estimate"]'));
  });

  test('a partial run offers Retry answer, which names the run', async () => {
    const { HeaderView } = await import('../../../src/webview/views/header');
    const retried: string[] = [];
    const header = new HeaderView(() => undefined, (id) => retried.push(id));
    const view = buildRunView('run-1', partialRun());
    assert.equal(view.outcome, 'partial');
    header.update(view, false);
    const button = header.el.querySelector('#retry-answer') as HTMLButtonElement;
    assert.equal(button.hidden, false);
    button.click();
    assert.deepEqual(retried, ['run-1']);
    header.update(buildRunView('run-1', sampleRun(4)), false);
    assert.equal(button.hidden, true, 'an answered run has no Retry answer');
    assert.deepEqual(parseWebviewMessage({ type: 'retry-answer', runId: 'run-1' }), { type: 'retry-answer', runId: 'run-1' });
    assert.equal(parseWebviewMessage({ type: 'retry-answer', runId: '../x' }), undefined);
  });

  test('what left this machine: every request as sent, as text', async () => {
    const { RemoteRequestsView } = await import('../../../src/webview/views/remote');
    const v = new RemoteRequestsView();
    v.update(buildRunView('run-1', partialRun()));
    const items = v.el.querySelectorAll('li[data-request]');
    assert.equal(items.length, 2);
    assert.match(items[0]!.textContent ?? '', /plan · gpt-4o · answered/);
    assert.equal(v.el.querySelector('script'), null, 'model and user text never becomes markup');
    assert.match(items[0]!.textContent ?? '', /<script>alert\(1\)<\/script>/);
    assert.match(items[1]!.textContent ?? '', /failed.*not JSON/s);
  });

  test('the export has both baselines, the estimate and every remote request; the history keeps it partial', () => {
    const md = runToMarkdown('run-1', partialRun());
    assert.match(md, /\| Same-context baseline \(headline\) \| 9,000 \| 500 \| 1 \| \$0\.05 \|/);
    assert.match(md, /\| Remote-only baseline \| 24,000 \| 500 \| 1 \| \$0\.12 \|/);
    assert.match(md, /Expected before the run: \$0\.02/);
    assert.match(md, /## What left this machine/);
    assert.match(md, /````text\nFindings: ```x``` here\n````/, 'a fence longer than any backticks inside');
    assert.equal(historyLine('run-1', partialRun()).outcome, 'partial');
  });
});
