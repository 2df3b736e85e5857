// What `minions ask` prints when a run ends, and its exit code (issue 11): --json is always one
// object (answered, partial, failed or cancelled alike, so a late failure loses no finding);
// the person-readable form ends with the ledger, both baselines one line each.
import type { LedgerSnapshot } from '../../core/ledger/types';
import type { RunStatus } from '../../core/protocol/events';
import { formatUsd, savingFigures, savingPhrase } from '../../shared/run/format';
import type { RunQuality, RunReport } from '../../shared/run/summary';

/** 0 answered, 3 partial (findings kept, no full answer), 1 failed, 130 cancelled (as a shell reports SIGINT). */
export const EXIT_CODES: Record<RunStatus, number> = { answered: 0, partial: 3, failed: 1, cancelled: 130 };

/** The --json object: the summary, with the exact remote requests only when asked for (--show-remote). */
export function jsonOutput(summary: RunReport & Record<string, unknown>, showRemote: boolean): string {
  const { remoteRequests, ...rest } = summary;
  return JSON.stringify(showRemote ? { ...rest, remoteRequests } : rest);
}

/** The evidence checks in one line: what reached the remote, what was kept out, which answer citations no finding supports. */
export function qualityLine(q: RunQuality): string {
  return `quality: ${q.verified} verified finding${q.verified === 1 ? '' : 's'}, ${q.unverified} unverified (not sent to the remote), ${q.unsupportedCitations} of ${q.citations} answer citation${q.citations === 1 ? '' : 's'} unsupported`;
}

export function ledgerLine(l: LedgerSnapshot): string {
  const f = savingFigures(l);
  const saving = l.savings.costUsd === null
    ? 'saving unknown (no price for the remote model)'
    : `${savingPhrase(l.savings.costUsd, 'ok')}${l.savings.costUsd >= 0 && f.costRatio !== 'unknown' ? ` (${f.costRatio})` : ''}`;
  const b = l.baselines;
  const head = (key: 'sameContext' | 'remoteOnly') => (b?.headline === key ? ' (headline)' : '');
  const label = (c: { estimated: boolean; tokenizer: string }) => (c.estimated ? `estimated with ${c.tokenizer}` : 'as billed');
  const unreported = l.remote.unreported ? `; ${l.remote.unreported.requests} timed-out attempt(s): ${l.remote.unreported.promptTokens} prompt tokens estimated with ${l.remote.unreported.tokenizer}` : '';
  const reasoning = l.remote.reasoningTokens ? ` (${l.remote.reasoningTokens} reasoning)` : '';
  return [
    `remote:   ${l.remote.requests} requests, ${l.remote.promptTokens} prompt (${l.remote.cachedPromptTokens} cached) + ${l.remote.completionTokens}${reasoning} completion tokens, ${formatUsd(l.remote.costUsd)}${unreported}`,
    `local:    ${l.local.requests} requests, ${l.local.promptTokens} prompt + ${l.local.completionTokens} completion tokens, free`,
    ...(b
      ? [
        `baseline: same context${head('sameContext')}: the remote reading the ${b.sameContext.calls ? '' : 'no '}chunks the local jobs answered or abstained on, in ${b.sameContext.calls} request(s) that fit its context: ${b.sameContext.promptTokens} prompt + ${b.sameContext.completionTokens} completion tokens, ${formatUsd(b.sameContext.costUsd)} (${label(b.sameContext)})`,
        `baseline: remote-only protocol${head('remoteOnly')}: the one request remote-only would send for this question and scope: ${b.remoteOnly.promptTokens} prompt + ${b.remoteOnly.completionTokens} completion tokens, ${formatUsd(b.remoteOnly.costUsd)} (${label(b.remoteOnly)})`,
      ]
      : [`baseline: remote-only over the same chunks: ${l.baseline.remotePromptTokens} prompt + ${l.baseline.remoteCompletionTokens} completion tokens, ${formatUsd(l.baseline.costUsd)}`]),
    `saving:   ${saving}${f.tokenRatio !== 'unknown' ? `; ${f.tokenRatio}` : ''}${b ? ' (against the smaller baseline)' : ''}`,
  ].join('\n');
}

/**
 * The end of a person-readable run: the answer (unless it already streamed) or what was kept,
 * then the ledger, the evidence checks and the thread to continue.
 */
export function textOutput(summary: RunReport, streamed = false, thread?: { id: string; turn: number }): string {
  const head = summary.status === 'answered'
    ? (streamed ? '' : `answer:\n${summary.answer}\n`)
    : `${summary.status}: ${summary.error?.message ?? summary.reason ?? 'the run stopped'}\n` +
      `kept: ${summary.jobs.filter((j) => j.status === 'answered').length} finding(s) of ${summary.jobs.length} job(s), listed above\n`;
  const quality = summary.citationChecks ? `${qualityLine(summary.quality)}\n` : '';
  const next = thread ? `thread:   ${thread.id}, turn ${thread.turn} (continue it with --continue or --thread ${thread.id})\n` : '';
  return `\n${head}\nledger:\n${ledgerLine(summary.usage)}\n${quality}${next}`;
}
