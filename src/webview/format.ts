// How figures read in the panel and in exported runs. An unknown price is shown as unknown:
// printing $0 for a model we cannot price would understate what a run cost.

import type { LedgerSnapshot } from '../core/ledger/types';
import type { Citation } from '../core/protocol/events';

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  if (abs < 0.01) return `${sign}$${abs.toFixed(4)}`;
  return `${sign}$${abs.toFixed(2)}`;
}

export function formatTokens(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The ledger's saving as the panel shows it; every figure may be unknown. */
export interface SavingFigures {
  /** "12.3x cheaper", or unknown. */
  costRatio: string;
  /** "91.9%", or unknown. */
  costPercent: string;
  /** Dollars saved, or unknown. */
  saved: string;
  /** Remote tokens the baseline would have sent, divided by what was sent: known even without prices. */
  tokenRatio: string;
  /** True when the run cost more than the remote-only baseline (small scopes can). */
  loss: boolean;
  /** What the run cost beyond the baseline, as a positive amount (meaningful when `loss`). */
  extra: string;
}

export function savingFigures(ledger: LedgerSnapshot): SavingFigures {
  const { remote, baseline, savings } = ledger;
  const remoteTokens = remote.promptTokens + remote.completionTokens;
  const baselineTokens = baseline.remotePromptTokens + baseline.remoteCompletionTokens;
  let costRatio = 'unknown';
  if (savings.ratio !== null && Number.isFinite(savings.ratio) && savings.ratio > 0) costRatio = compare(savings.ratio, 'cheaper', 'more expensive');
  else if (remote.costUsd === 0 && baseline.costUsd !== null && baseline.costUsd > 0) costRatio = 'no remote cost';
  let costPercent = 'unknown';
  if (baseline.costUsd !== null && baseline.costUsd > 0 && remote.costUsd !== null) {
    costPercent = `${(((baseline.costUsd - remote.costUsd) / baseline.costUsd) * 100).toFixed(1)}%`;
  }
  const tokenRatio = remoteTokens > 0 && baselineTokens > 0 ? compare(baselineTokens / remoteTokens, 'fewer remote tokens', 'more remote tokens') : 'unknown';
  const loss = savings.costUsd !== null && savings.costUsd < 0;
  return { costRatio, costPercent, saved: formatUsd(savings.costUsd), tokenRatio, loss, extra: loss ? formatUsd(-(savings.costUsd ?? 0)) : formatUsd(0) };
}

/** "12.0x cheaper" for a ratio of 12, "1.7x more expensive" for 0.6: a ratio under 1 reads as its inverse. */
function compare(ratio: number, better: string, worse: string): string {
  return ratio >= 1 ? `${formatRatio(ratio)} ${better}` : `${formatRatio(1 / ratio)} ${worse}`;
}

function formatRatio(ratio: number): string {
  return ratio >= 100 ? `${Math.round(ratio)}x` : `${ratio.toFixed(1)}x`;
}

export function citationLabel(path: string, startLine: number, endLine: number): string {
  return startLine === endLine ? `${path}:${startLine}` : `${path}:${startLine}-${endLine}`;
}

/** A citation as a person reads it: `report.pdf p. 37`, `nb.ipynb#cell=3:2`, else `path:start-end`. */
export function citationText(c: Citation): string {
  if (c.page) return `${c.path} p. ${c.page}`;
  if (c.cell && c.lineOffset !== undefined) return `${c.path}#cell=${c.cell}:${Math.max(1, c.startLine - c.lineOffset)}`;
  return citationLabel(c.path, c.startLine, c.endLine);
}
