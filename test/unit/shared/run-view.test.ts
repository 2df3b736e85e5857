import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, buildRunView, createRunView, JobIndex, markInterrupted } from '../../../src/shared/run/view';
import { ledger, sampleRun } from '../webview/fixtures';

describe('run view reducer', () => {
  test('builds header, plan, jobs, answer and ledger from a run', () => {
    const view = buildRunView('run-1', sampleRun(8));
    assert.equal(view.question, 'Where is the retry policy?');
    assert.equal(view.remoteModel, 'gpt-4o');
    assert.equal(view.outcome, 'ok');
    assert.equal(view.ms, 4200);
    assert.equal(view.rounds.length, 1);
    assert.deepEqual(view.rounds[0]?.tasks.map((t) => t.id), ['t1', 't2']);
    assert.equal(view.rounds[0]?.advice, 'Look for backoff.');
    assert.deepEqual(view.rounds[0]?.synthesis, { decision: 'answer' });
    assert.equal(view.jobs.length, 8);
    assert.deepEqual(view.counts, { queued: 0, running: 0, answered: 2, abstained: 4, failed: 2 });
    assert.equal(view.jobs[0]?.finding, 'Retry count set to 0');
    assert.deepEqual(view.jobs[4]?.citation, { path: 'src/file4.ts', startLine: 42, endLine: 43 });
    assert.equal(view.jobs[3]?.error?.code, 'local-bad-output');
    assert.match(view.answer?.markdown ?? '', /src\/retry\.ts:10-20/);
    assert.equal(view.ledger?.remote.costUsd, 0.01);
  });

  test('counts follow each job through queued → running → finished', () => {
    const view = createRunView('r');
    const index = new JobIndex(view);
    const job = { id: 'a', round: 1, taskId: 't', task: 't', path: 'a.ts', startLine: 1, endLine: 2 };
    assert.deepEqual(applyEvent(view, { type: 'job-queued', job }, index), { jobs: true });
    assert.equal(view.counts.queued, 1);
    applyEvent(view, { type: 'job-started', jobId: 'a' }, index);
    assert.deepEqual([view.counts.queued, view.counts.running], [0, 1]);
    applyEvent(view, { type: 'job-finished', jobId: 'a', status: 'answered', finding: 'f', ms: 5 }, index);
    assert.deepEqual([view.counts.running, view.counts.answered], [0, 1]);
    // A duplicate queue event or an event for an unknown job changes nothing.
    assert.deepEqual(applyEvent(view, { type: 'job-queued', job }, index), {});
    assert.deepEqual(applyEvent(view, { type: 'job-finished', jobId: 'zzz', status: 'failed', ms: 1 }, index), {});
    assert.equal(view.jobs.length, 1);
  });

  test('model calls change nothing visible; usage changes only the ledger', () => {
    const view = createRunView('r');
    const index = new JobIndex(view);
    assert.deepEqual(applyEvent(view, { type: 'model-call', role: 'remote', model: 'm', purpose: 'plan', usage: { promptTokens: 1, completionTokens: 1 }, ms: 1, ok: true }, index), {});
    assert.deepEqual(applyEvent(view, { type: 'usage', ledger: ledger(null, null) }, index), { ledger: true });
  });

  test('a fatal error fails the run; a non-fatal one is only listed', () => {
    const view = createRunView('r');
    const index = new JobIndex(view);
    applyEvent(view, { type: 'error', error: { code: 'remote-rate-limited', message: 'slow down' }, fatal: false }, index);
    assert.equal(view.outcome, 'running');
    applyEvent(view, { type: 'error', error: { code: 'remote-key-rejected', message: 'bad key', hint: 'Set a new key' }, fatal: true }, index);
    assert.equal(view.outcome, 'failed');
    assert.equal(view.errors.length, 2);
  });

  test('cancel settles unfinished jobs so nothing spins forever', () => {
    const events = sampleRun(4).slice(0, 3 + 4 + 2); // plan, 4 queued, 2 started
    const view = buildRunView('run-1', [...events, { type: 'cancelled', ledger: ledger(0, 0) }]);
    assert.equal(view.outcome, 'cancelled');
    assert.deepEqual(view.counts, { queued: 0, running: 0, answered: 0, abstained: 0, failed: 4 });
    assert.equal(view.jobs[0]?.error?.code, 'cancelled');
  });

  test('an interrupted live run is marked as such; a finished one is not', () => {
    const live = buildRunView('run-1', sampleRun(2).slice(0, 5));
    markInterrupted(live);
    assert.equal(live.outcome, 'interrupted');
    const done = buildRunView('run-1', sampleRun(2));
    markInterrupted(done);
    assert.equal(done.outcome, 'ok');
  });

  test('a later round adds a plan without losing the first', () => {
    const view = buildRunView('r', [
      { type: 'round-started', round: 1, maxRounds: 2 },
      { type: 'plan', round: 1, tasks: [{ id: 'a', instruction: 'A', keywords: [], globs: [] }] },
      { type: 'synthesis', round: 1, decision: 'continue', missing: 'the callers' },
      { type: 'round-started', round: 2, maxRounds: 2 },
      { type: 'plan', round: 2, tasks: [{ id: 'b', instruction: 'B', keywords: ['x'], globs: ['lib/**'] }] },
    ]);
    assert.deepEqual(view.rounds.map((r) => [r.round, r.tasks[0]?.id, r.synthesis?.missing]), [[1, 'a', 'the callers'], [2, 'b', undefined]]);
    assert.equal(view.round, 2);
  });

  test('a thousand-job run reduces completely', () => {
    const events = sampleRun(1000);
    const view = buildRunView('run-1', events);
    assert.equal(view.jobs.length, 1000);
    assert.equal(view.counts.answered + view.counts.abstained + view.counts.failed, 1000);
  });
});
