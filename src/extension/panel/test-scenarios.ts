// Synthetic runs for the real-VS-Code tests of the panel (registered only when MINIONS_TEST=1):
// a plain run, one whose answer and findings carry XSS payloads, and one with a thousand jobs.
// They exercise the panel without model servers; the host's own tests drive real runs.

import type { RunEvent } from '../../core/protocol/events';
import type { LedgerSnapshot } from '../../core/ledger/types';

export type PanelScenario = 'basic' | 'xss' | 'thousand' | 'key-error' | 'evidence';

export const XSS_ANSWER = [
  '## Retry policy',
  '',
  'Retries are decided in src/retry.ts:1-3 (see also [the caller](src/greeter.ts:2)).',
  '',
  '<script>window.__minionsPwned = "script"</script>',
  '<img src="x" onerror="window.__minionsPwned = \'img\'">',
  '[click me](javascript:window.__minionsPwned=\'link\')',
  '<a href="javascript:window.__minionsPwned=\'raw-a\'">raw link</a>',
  '<iframe src="https://evil.example"></iframe>',
  '![tracker](https://evil.example/t.png)',
].join('\n');

function ledger(remoteCost: number | null): LedgerSnapshot {
  return {
    local: { requests: 12, promptTokens: 18_400, completionTokens: 1_250 },
    remote: { requests: 2, promptTokens: 3_100, cachedPromptTokens: 0, completionTokens: 420, costUsd: remoteCost },
    baseline: { remotePromptTokens: 41_000, remoteCompletionTokens: 420, costUsd: remoteCost === null ? null : 0.1067 },
    savings: { costUsd: remoteCost === null ? null : 0.1067 - remoteCost, ratio: remoteCost ? 0.1067 / remoteCost : null },
  };
}

/** The events of a scenario; `finish: false` stops before the answer (a run still going). */
export function scenarioEvents(scenario: PanelScenario, runId: string, finish = true): RunEvent[] {
  if (scenario === 'key-error') return keyErrorEvents(runId);
  const jobs = scenario === 'thousand' ? 1000 : 6;
  const xss = scenario === 'xss';
  // evidence: one answered job's quote was not in its chunk, and one answer citation rests on no finding.
  const evidence = scenario === 'evidence';
  const events: RunEvent[] = [
    { type: 'run-started', runId, protocol: 'minions', question: xss ? 'Where is the retry policy? <b>bold?</b>' : 'Where is the retry policy decided?',
      scope: [], startedAt: Date.now(), localModel: 'qwen2.5-coder:3b', remoteModel: 'gpt-4o-mini' },
    { type: 'round-started', round: 1, maxRounds: 2 },
    { type: 'plan', round: 1, advice: 'Quote the line that sets the retry count.', tasks: [
      { id: 't1', instruction: 'Find where the retry count and backoff are configured', keywords: ['retry', 'backoff'], globs: ['src/**'] },
      { id: 't2', instruction: xss ? 'Find callers <img src=x onerror=alert(1)>' : 'Find the callers of the retry helper', keywords: ['withRetry'], globs: [] },
    ] },
  ];
  for (let i = 0; i < jobs; i++) {
    const t = i % 2 === 0 ? 't1' : 't2';
    events.push({ type: 'job-queued', job: { id: `${runId}-j${i}`, round: 1, taskId: t,
      task: t === 't1' ? 'Find where the retry count and backoff are configured' : 'Find the callers of the retry helper',
      path: i % 3 === 0 ? 'src/retry.ts' : `src/module${i}.ts`, startLine: 1 + (i % 50) * 10, endLine: 10 + (i % 50) * 10 } });
  }
  for (let i = 0; i < jobs; i++) events.push({ type: 'job-started', jobId: `${runId}-j${i}` });
  const finishedJobs = finish ? jobs : Math.floor(jobs / 2);
  for (let i = 0; i < finishedJobs; i++) {
    const status = i % 3 === 0 ? 'answered' : i % 7 === 6 ? 'failed' : 'abstained';
    events.push({ type: 'job-finished', jobId: `${runId}-j${i}`, status, ms: 200 + (i % 40) * 15,
      ...(status === 'answered' ? { finding: xss && i === 0 ? 'MAX_RETRIES = 3 <script>window.__minionsPwned="finding"</script>' : `MAX_RETRIES is set to 3 here (job ${i}).`,
        citation: { path: 'src/retry.ts', startLine: 1, endLine: 2 },
        ...(evidence ? (i === 3 ? { verified: false, reason: 'the quote is not in the excerpt' } : { verified: true, findingId: `F${i / 3 + 1}` }) : {}) } : {}),
      ...(status === 'failed' ? { error: { code: 'local-bad-output', message: 'The local model returned malformed JSON twice', hint: 'Try a larger local model.' } } : {}) });
  }
  events.push({ type: 'usage', ledger: ledger(finish ? 0.0042 : 0.0011) });
  if (!finish) return events;
  events.push(
    { type: 'synthesis', round: 1, decision: 'answer' },
    { type: 'answer', markdown: xss ? XSS_ANSWER : 'The retry policy is decided in `src/retry.ts:1-3`: **3 attempts** with exponential backoff, used by src/greeter.ts:2.',
      citations: [{ path: 'src/retry.ts', startLine: 1, endLine: 3 }, ...(evidence ? [{ path: 'src/greeter.ts', startLine: 2, endLine: 2 }] : [])],
      ...(evidence ? { checks: [
        { path: 'src/retry.ts', startLine: 1, endLine: 3, findingIds: ['F1'], status: 'supported' as const },
        { path: 'src/greeter.ts', startLine: 2, endLine: 2, findingIds: [], status: 'unsupported' as const },
      ] } : {}) },
    { type: 'run-finished', ok: true, rounds: 1, ms: 8_350, ledger: ledger(0.0042) },
  );
  return events;
}

/**
 * A run the remote refused with an error that echoes the key, as OpenAI's 401 does: the
 * history and exports must not keep it (the key comes from the environment the tests set).
 */
function keyErrorEvents(runId: string): RunEvent[] {
  const key = process.env.MINIONS_REMOTE_API_KEY ?? 'sk-missing';
  return [
    { type: 'run-started', runId, protocol: 'minions', question: 'Does the key leak?', scope: [], startedAt: Date.now(), localModel: 'qwen2.5-coder:3b', remoteModel: 'gpt-4o-mini' },
    { type: 'round-started', round: 1, maxRounds: 2 },
    { type: 'error', fatal: true, error: { code: 'remote-key-rejected', message: `The remote refused the API key: Incorrect API key provided: ${key}`, hint: 'Run "Minions: Set Remote API Key" with a valid key.' } },
    { type: 'run-finished', ok: false, rounds: 0, ms: 120, ledger: ledger(null) },
  ];
}
