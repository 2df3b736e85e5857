// A synthetic run's RunEvent stream for the panel's tests: a plan, `jobs` jobs with a mix of
// outcomes, a synthesis, an answer and a ledger.
import type { RunEvent } from '../../../src/core/protocol/events';
import type { LedgerSnapshot } from '../../../src/core/ledger/types';

export function ledger(remoteCost: number | null, baselineCost: number | null): LedgerSnapshot {
  return {
    local: { requests: 10, promptTokens: 12_000, completionTokens: 800 },
    remote: { requests: 2, promptTokens: 3_000, cachedPromptTokens: 0, completionTokens: 500, costUsd: remoteCost },
    baseline: { remotePromptTokens: 40_000, remoteCompletionTokens: 500, costUsd: baselineCost },
    savings: {
      costUsd: remoteCost !== null && baselineCost !== null ? baselineCost - remoteCost : null,
      ratio: remoteCost !== null && baselineCost !== null && remoteCost > 0 ? baselineCost / remoteCost : null,
    },
  };
}

export function sampleRun(jobs = 4, answer = 'The retry policy is in src/retry.ts:10-20.'): RunEvent[] {
  const events: RunEvent[] = [
    { type: 'run-started', runId: 'run-1', protocol: 'minions', question: 'Where is the retry policy?', scope: [], startedAt: 1_700_000_000_000,
      localModel: 'qwen2.5:3b', remoteModel: 'gpt-4o' },
    { type: 'round-started', round: 1, maxRounds: 3 },
    { type: 'plan', round: 1, advice: 'Look for backoff.', tasks: [
      { id: 't1', instruction: 'Find where retries are configured', keywords: ['retry', 'backoff'], globs: ['src/**'] },
      { id: 't2', instruction: 'Find callers', keywords: ['request'], globs: [] },
    ] },
  ];
  for (let i = 0; i < jobs; i++) {
    events.push({ type: 'job-queued', job: { id: `j${i}`, round: 1, taskId: i % 2 ? 't2' : 't1', task: i % 2 ? 'Find callers' : 'Find where retries are configured',
      path: `src/file${i}.ts`, startLine: 1 + i * 10, endLine: 10 + i * 10 } });
  }
  for (let i = 0; i < jobs; i++) events.push({ type: 'job-started', jobId: `j${i}` });
  for (let i = 0; i < jobs; i++) {
    const status = i % 4 === 0 ? 'answered' : i % 4 === 3 ? 'failed' : 'abstained';
    events.push({ type: 'job-finished', jobId: `j${i}`, status, ms: 100 + i,
      ...(status === 'answered' ? { finding: `Retry count set to ${i}`, citation: { path: `src/file${i}.ts`, startLine: 2 + i * 10, endLine: 3 + i * 10 } } : {}),
      ...(status === 'failed' ? { error: { code: 'local-bad-output', message: 'Malformed JSON twice' } } : {}) });
  }
  events.push(
    { type: 'synthesis', round: 1, decision: 'answer' },
    { type: 'usage', ledger: ledger(0.01, 0.2) },
    { type: 'answer', markdown: answer, citations: [{ path: 'src/retry.ts', startLine: 10, endLine: 20 }] },
    { type: 'run-finished', ok: true, rounds: 1, ms: 4200, ledger: ledger(0.01, 0.2) },
  );
  return events;
}
