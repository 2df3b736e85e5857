// The panel's views in a DOM without a browser (jsdom): the jobs list keeps the DOM bounded
// for a thousand jobs, filters, and moves its selection by keyboard; the header and ledger show
// what the run state says.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { buildRunView } from '../../../src/shared/run/view';
import { sampleRun } from './fixtures';

let dom: JSDOM;
before(() => {
  dom = new JSDOM('<!DOCTYPE html><body></body>');
  // dom.ts builds elements with the global document, as it does in the webview.
  Object.assign(globalThis, { document: dom.window.document, HTMLElement: dom.window.HTMLElement });
});

describe('jobs list', () => {
  test('a thousand jobs put only a window of rows in the DOM', async () => {
    const { JobsView, JOB_ROW_HEIGHT } = await import('../../../src/webview/views/jobs');
    const opened: unknown[] = [];
    const jobs = new JobsView((c) => opened.push(c), () => undefined);
    document.body.append(jobs.el);
    const view = buildRunView('r', sampleRun(1000));
    jobs.update(view);
    const rows = jobs.el.querySelectorAll('.job-row');
    assert.ok(rows.length > 0 && rows.length <= 40, `${rows.length} rows`);
    assert.equal(jobs.el.querySelector('#jobs-title')?.textContent, 'Local jobs · 1000');
    assert.equal((jobs.el.querySelector('.jobs-spacer') as HTMLElement).style.height, `${1000 * JOB_ROW_HEIGHT}px`);
    const filters = Array.from(jobs.el.querySelectorAll('button.filter')).map((b) => b.textContent);
    assert.deepEqual(filters, ['All 1000', 'queued 0', 'running 0', 'answered 250', 'abstained 500', 'failed 250']);
    jobs.el.remove(); // ids must stay unique in the document for the next test's lookups
  });

  test('filters narrow the rows; End selects the last job and Enter opens its citation', async () => {
    const { JobsView } = await import('../../../src/webview/views/jobs');
    const opened: unknown[] = [];
    const jobs = new JobsView((c) => opened.push(c), () => undefined);
    document.body.append(jobs.el);
    jobs.update(buildRunView('r', sampleRun(40)));
    (jobs.el.querySelector('button.filter[data-filter="answered"]') as HTMLButtonElement).click();
    const classes = Array.from(jobs.el.querySelectorAll('.job-row')).map((r) => r.className);
    assert.equal(classes.length, 10);
    assert.ok(classes.every((c) => c.includes('status-answered')));
    const viewport = jobs.el.querySelector('#jobs-viewport') as HTMLElement;
    const key = (k: string) => viewport.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('End');
    const selected = jobs.el.querySelector('.job-row[aria-selected="true"]');
    assert.equal(selected?.getAttribute('aria-posinset'), '10');
    assert.equal(viewport.getAttribute('aria-activedescendant'), selected?.id);
    key('Enter');
    assert.deepEqual(opened, [{ path: 'src/file36.ts', startLine: 362, endLine: 363 }]);
    assert.match(jobs.el.querySelector('#job-detail')?.textContent ?? '', /Retry count set to 36/);
  });
});

describe('header and ledger', () => {
  test('Cancel shows only for the live running run', async () => {
    const { HeaderView } = await import('../../../src/webview/views/header');
    let cancelled = 0;
    const header = new HeaderView(() => cancelled++);
    const running = buildRunView('r', sampleRun(2).slice(0, 4));
    header.update(running, true);
    assert.equal(header.cancelButton.hidden, false);
    header.cancelButton.click();
    assert.equal(cancelled, 1);
    header.update(running, false);
    assert.equal(header.cancelButton.hidden, true);
    header.update(buildRunView('r', sampleRun(2)), true);
    assert.equal(header.cancelButton.hidden, true);
    assert.match(header.el.textContent ?? '', /Finished in 4\.2 s · round 1 of 3/);
  });

  test('the ledger shows unknown prices as unknown', async () => {
    const { LedgerView } = await import('../../../src/webview/views/ledger');
    const { ledger } = await import('./fixtures');
    const view = buildRunView('r', [{ type: 'run-finished', ok: true, rounds: 1, ms: 10, ledger: ledger(null, null) }]);
    const l = new LedgerView();
    l.update(view);
    const text = l.el.textContent ?? '';
    assert.match(text, /Remoteunknown/);
    assert.match(text, /Savingunknown/);
    assert.doesNotMatch(text, /\$0\.00/);
  });

  test('mid-run the ledger shows spend so far and no loss; the finished run shows its saving', async () => {
    const { LedgerView } = await import('../../../src/webview/views/ledger');
    const { HeaderView } = await import('../../../src/webview/views/header');
    const { ledger } = await import('./fixtures');
    // What the engine reports mid-run: remote spend, and a baseline of zero that is only computed at the end.
    const midRun = {
      local: { requests: 3, promptTokens: 900, completionTokens: 60 },
      remote: { requests: 1, promptTokens: 700, cachedPromptTokens: 0, completionTokens: 90, costUsd: 0.0011 },
      baseline: { remotePromptTokens: 0, remoteCompletionTokens: 0, costUsd: 0 },
      savings: { costUsd: -0.0011, ratio: 0 },
    };
    const events = [...sampleRun(2).slice(0, 4), { type: 'usage' as const, ledger: midRun }];
    const l = new LedgerView();
    const header = new HeaderView(() => {});
    const running = buildRunView('r', events);
    l.update(running);
    header.update(running, true);
    const saving = l.el.querySelector('dd[data-row="saving"]')!;
    assert.equal(saving.hasAttribute('data-loss'), false);
    assert.doesNotMatch(l.el.textContent ?? '', /Extra cost|-\$/);
    assert.match(saving.textContent ?? '', /when the run ends/);
    assert.match(saving.textContent ?? '', /spent so far \$0\.0011/);
    assert.match(l.el.querySelector('dd[data-row="remote"]')?.textContent ?? '', /\$0\.0011/);
    assert.equal(header.el.querySelector('#run-status')?.getAttribute('data-outcome'), 'running');

    const finished = buildRunView('r', [...events, { type: 'run-finished', ok: true, rounds: 1, ms: 10, ledger: ledger(0.01, 0.2) }]);
    l.update(finished);
    header.update(finished, true);
    assert.match(l.el.querySelector('dd[data-row="saving"]')?.textContent ?? '', /\$0\.19/);
    assert.equal(header.el.querySelector('#run-status')?.getAttribute('data-outcome'), 'ok');
  });

  test('a history row of a running run says when its saving is known, never "saved -$…"', async () => {
    const { HistoryView } = await import('../../../src/webview/views/history');
    const history = new HistoryView({ open() {}, exportRun() {}, remove() {} });
    const row = { runId: 'r', question: 'q', protocol: 'minions', startedAt: 1_700_000_000_000, jobs: 2, remoteCostUsd: 0.0011, savedUsd: -0.0011 };
    history.update([{ ...row, outcome: 'running' }], undefined);
    const text = history.el.textContent ?? '';
    assert.match(text, /spent \$0\.0011/);
    assert.match(text, /saving when the run ends/);
    assert.doesNotMatch(text, /saved -|-\$/);
    history.update([{ ...row, outcome: 'ok', savedUsd: 0.19 }], undefined);
    assert.match(history.el.textContent ?? '', /saved \$0\.19/);
  });
});
