// The panel shows the evidence checks: unverified jobs say so and why, the answer's unsupported
// citations are marked text rather than ordinary links, and the ledger has a quality line.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { buildRunView } from '../../../src/shared/run/view';
import { createAnswerRenderer } from '../../../src/webview/markdown';
import type { RunEvent } from '../../../src/core/protocol/events';

let dom: JSDOM;
before(() => {
  dom = new JSDOM('<!DOCTYPE html><body></body>');
  Object.assign(globalThis, { document: dom.window.document, HTMLElement: dom.window.HTMLElement });
});

const job = (id: string, startLine: number) => ({ type: 'job-queued', job: { id, round: 1, taskId: 't1', task: 'Find the retry policy', path: 'src/retry.ts', startLine, endLine: startLine + 19 } }) as RunEvent;
const zero = { requests: 0, promptTokens: 0, completionTokens: 0 };
const ledger = { local: zero, remote: { ...zero, cachedPromptTokens: 0, costUsd: 0 }, baseline: { remotePromptTokens: 0, remoteCompletionTokens: 0, costUsd: 0 }, savings: { costUsd: 0, ratio: null } };
const events: RunEvent[] = [
  { type: 'run-started', runId: 'r', protocol: 'minions', question: 'q', scope: [], startedAt: 1, localModel: 'l', remoteModel: 'm' },
  job('j1', 1), job('j2', 21),
  { type: 'job-finished', jobId: 'j1', status: 'answered', finding: 'Retries five times.', citation: { path: 'src/retry.ts', startLine: 4, endLine: 4 }, ms: 5, verified: true, findingId: 'F1' },
  { type: 'job-finished', jobId: 'j2', status: 'answered', finding: 'Retries stop after 7 attempts.', citation: { path: 'src/retry.ts', startLine: 21, endLine: 40 }, ms: 5, verified: false, reason: 'the quote is not in the excerpt' },
  { type: 'answer', markdown: 'See src/retry.ts:4 and src/retry.ts:30.', citations: [{ path: 'src/retry.ts', startLine: 4, endLine: 4 }, { path: 'src/retry.ts', startLine: 30, endLine: 30 }],
    checks: [{ path: 'src/retry.ts', startLine: 4, endLine: 4, findingIds: ['F1'], status: 'supported' }, { path: 'src/retry.ts', startLine: 30, endLine: 30, findingIds: [], status: 'unsupported' }] },
  { type: 'usage', ledger },
];

test('jobs: an unverified finding is shown as unverified, with why, in its row and its detail', async () => {
  const { JobsView } = await import('../../../src/webview/views/jobs');
  const jobs = new JobsView(() => undefined, () => undefined);
  document.body.append(jobs.el);
  jobs.update(buildRunView('r', events));
  const rows = [...jobs.el.querySelectorAll('.job-row')];
  assert.deepEqual(rows.map((r) => r.querySelector('.job-status')!.textContent), ['answered', 'unverified']);
  assert.ok(rows[1]!.classList.contains('unverified'));
  assert.equal(rows[1]!.querySelector('.job-status')!.getAttribute('title'), 'the quote is not in the excerpt');
  (rows[1] as HTMLElement).dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
  const detail = jobs.el.querySelector('.unverified-reason');
  assert.match(detail?.textContent ?? '', /Unverified, not sent to the remote: the quote is not in the excerpt/);
  jobs.el.remove();
});

test('answer: a supported citation stays a link; an unsupported one is marked text, not a link', async () => {
  const { AnswerView } = await import('../../../src/webview/views/answer');
  const answer = new AnswerView(createAnswerRenderer(dom.window as unknown as Window));
  answer.update(buildRunView('r', events));
  const links = [...answer.el.querySelectorAll('a[data-path]')];
  assert.deepEqual(links.map((a) => a.getAttribute('data-start')), ['4']);
  const marked = answer.el.querySelector('.citation-unsupported');
  assert.match(marked?.textContent ?? '', /src\/retry\.ts:30 \(unsupported: no verified finding supports it\)/);
  // The same answer text from a run without checks is drawn again, with both links.
  const plain = events.map((e) => (e.type === 'answer' ? { ...e, checks: undefined } : e)) as RunEvent[];
  answer.update(buildRunView('r2', plain));
  assert.equal(answer.el.querySelectorAll('a[data-path]').length, 2);
  answer.update(buildRunView('r', events));
  assert.equal(answer.el.querySelectorAll('a[data-path]').length, 1);
});

test('ledger: a quality line counts verified and unverified findings and unsupported citations', async () => {
  const { LedgerView } = await import('../../../src/webview/views/ledger');
  const view = new LedgerView();
  view.update(buildRunView('r', events));
  assert.equal(view.el.querySelector('[data-row="quality"] .detail')?.textContent, '1 verified finding · 1 unverified (not sent) · 1 of 2 answer citations unsupported');
});
