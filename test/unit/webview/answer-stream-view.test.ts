// The panel's view of a streamed answer: deltas append, a reset starts over, the final answer
// replaces the streamed text; cached jobs and a follow-up's stale findings are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRunView } from '../../../src/shared/run/view';
import type { RunEvent } from '../../../src/core/protocol/events';

const started: RunEvent = { type: 'run-started', runId: 'r1', protocol: 'minions', question: 'q', scope: [], startedAt: 1, localModel: 'l', remoteModel: 'r' };

test('deltas append, a reset starts over, the answer replaces them', () => {
  const deltas: RunEvent[] = [started, { type: 'answer-delta', round: 1, text: 'Hel' }, { type: 'answer-delta', round: 1, text: 'lo <img' }];
  assert.equal(buildRunView('r1', deltas).streaming, 'Hello <img');
  const reset = buildRunView('r1', [...deltas, { type: 'answer-delta', round: 1, text: 'Again', reset: true }]);
  assert.equal(reset.streaming, 'Again');
  const done = buildRunView('r1', [...deltas, { type: 'answer', markdown: 'Final', citations: [] }]);
  assert.equal(done.streaming, undefined);
  assert.equal(done.answer?.markdown, 'Final');
});

test('cached jobs and stale findings reach the view', () => {
  const view = buildRunView('r1', [
    started,
    { type: 'conversation', thread: 'thread-a-b', turn: 2, earlierTurns: 1, findings: 3, stale: [{ path: 'src/a.ts', startLine: 1, endLine: 2 }] },
    { type: 'job-queued', job: { id: 'j1', round: 1, taskId: 't1', task: 'x', path: 'src/a.ts', startLine: 1, endLine: 9 } },
    { type: 'job-finished', jobId: 'j1', status: 'abstained', ms: 0, cached: true },
  ]);
  assert.equal(view.jobs[0]!.cached, true);
  assert.deepEqual(view.conversation?.stale, [{ path: 'src/a.ts', startLine: 1, endLine: 2 }]);
});
