// The workspace's running cost counter: what Minions runs spent on the remote model and what
// they saved against the remote-only baseline. Pure, so the status-bar text and tooltip are
// unit-tested; statusBar.ts shows it and persists it in workspaceState.

import type { LedgerSnapshot } from '../core/ledger/types';
import { formatTokensShort, formatUsd } from '../shared/run/format';
import { hasBaseline, type RunOutcome } from '../shared/run/outcome';

export interface CostTotals {
  runs: number;
  /** Dollars spent on the remote model (runs whose price was unknown add nothing here). */
  spentUsd: number;
  /** Headline baseline (the smaller of the two) minus actual, summed over runs where both were priced; negative when runs cost more. */
  savedUsd: number;
  /** The two baselines summed over priced runs that reported them (both are estimates counted here). */
  sameContextUsd: number;
  remoteOnlyUsd: number;
  remotePromptTokens: number;
  remoteCompletionTokens: number;
  localTokens: number;
  /** Runs whose remote model had no known price (their dollars are not in the sums). */
  unpricedRuns: number;
}

export function emptyTotals(): CostTotals {
  return { runs: 0, spentUsd: 0, savedUsd: 0, sameContextUsd: 0, remoteOnlyUsd: 0, remotePromptTokens: 0, remoteCompletionTokens: 0, localTokens: 0, unpricedRuns: 0 };
}

/**
 * Adds one finished (or cancelled) run's ledger to the totals. Its saving counts only when its
 * baseline is known (the run finished): a run cut short spent money but saved nothing measurable.
 */
export function addRun(totals: CostTotals, ledger: LedgerSnapshot, outcome: RunOutcome = 'ok'): CostTotals {
  const priced = ledger.remote.costUsd !== null;
  const counted = priced && hasBaseline(outcome);
  const saved = counted && ledger.savings.costUsd !== null ? ledger.savings.costUsd : 0;
  return {
    runs: totals.runs + 1,
    spentUsd: totals.spentUsd + (ledger.remote.costUsd ?? 0),
    savedUsd: totals.savedUsd + saved,
    sameContextUsd: totals.sameContextUsd + (counted ? ledger.baselines?.sameContext.costUsd ?? 0 : 0),
    remoteOnlyUsd: totals.remoteOnlyUsd + (counted ? ledger.baselines?.remoteOnly.costUsd ?? 0 : 0),
    remotePromptTokens: totals.remotePromptTokens + ledger.remote.promptTokens,
    remoteCompletionTokens: totals.remoteCompletionTokens + ledger.remote.completionTokens,
    localTokens: totals.localTokens + ledger.local.promptTokens + ledger.local.completionTokens,
    unpricedRuns: totals.unpricedRuns + (priced ? 0 : 1),
  };
}

/** Validates totals read back from storage; anything malformed starts from zero. */
export function parseTotals(value: unknown): CostTotals {
  const empty = emptyTotals();
  if (typeof value !== 'object' || value === null) return empty;
  const v = value as Record<string, unknown>;
  const out = { ...empty };
  for (const key of Object.keys(empty) as (keyof CostTotals)[]) {
    const n = v[key];
    // The saving is the one total that may be negative (runs that cost more than remote-only).
    if (typeof n === 'number' && Number.isFinite(n) && (n >= 0 || key === 'savedUsd')) out[key] = n;
  }
  return out;
}

/** e.g. `$(hubot) $0.03 · saved $0.41`. A negative saving is shown as such, never hidden. */
export function formatStatusText(totals: CostTotals, icon = '$(hubot)'): string {
  const saved = totals.savedUsd >= 0 ? `saved ${formatUsd(totals.savedUsd)}` : `cost ${formatUsd(-totals.savedUsd)} more`;
  return `${icon} ${formatUsd(totals.spentUsd)} · ${saved}`;
}

/** The status bar while indexing: `$(sync~spin) Minions: indexing 120/800`. */
export function formatIndexingText(done: number, total: number): string {
  return total > 0 ? `$(sync~spin) Minions: indexing ${done}/${total}` : '$(sync~spin) Minions: indexing…';
}

/** Tooltip lines (markdown) with the breakdown. */
export function formatTooltip(totals: CostTotals): string {
  const lines = [
    '**Minions — this workspace**',
    '',
    `Runs: ${totals.runs}`,
    `Remote spent: ${formatUsd(totals.spentUsd)}`,
    `${totals.savedUsd >= 0 ? 'Saved' : 'Cost more'} vs the smaller baseline: ${formatUsd(Math.abs(totals.savedUsd))}`,
    `Same-context baseline: ${formatUsd(totals.sameContextUsd)} (the remote reading every chunk the local jobs answered or abstained on; estimated)`,
    `Remote-only baseline: ${formatUsd(totals.remoteOnlyUsd)} (the one request the remote-only protocol would send; estimated)`,
    `Remote tokens: ${formatTokensShort(totals.remotePromptTokens)} in, ${formatTokensShort(totals.remoteCompletionTokens)} out`,
    `Local tokens: ${formatTokensShort(totals.localTokens)} (free)`,
  ];
  if (totals.unpricedRuns > 0) {
    lines.push('', `${totals.unpricedRuns} run(s) used a remote model with no known price: set \`minions.prices\` to count them.`);
  }
  lines.push('', 'Click to open the Minions panel.');
  return lines.join('\n\n').replace(/\n\n\n\n/g, '\n\n');
}
