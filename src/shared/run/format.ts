// How a run's figures read everywhere: the panel, the exported Markdown, the log, the status
// bar and the CLI. One formatter, so the same amount never reads two ways. An unknown price is
// shown as unknown: printing $0 for a model we cannot price would understate what a run cost.

import type { Citation, LedgerSnapshot } from './events';
import { hasBaseline, pendingSaving, type RunOutcome } from './outcome';
import { formatUsd } from '../../core/ledger/money';

// Written in the core, whose own messages (the spend cap's) print dollars too.
export { formatUsd };

/** Tokens in full, with thousands separators (the panel, the export). */
export function formatTokens(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Tokens where space is short (the status bar's tooltip): 950, 1.2k, 34k, 1.25M. */
export function formatTokensShort(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
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
  /** False until the baseline is known (the run has finished): then there is spend so far, no saving. */
  known: boolean;
  /** "12.3x cheaper", or unknown. */
  costRatio: string;
  /** "91.9%", or unknown. */
  costPercent: string;
  /** Dollars saved, or unknown; "when the run ends" while the run goes. */
  saved: string;
  /** Remote tokens the baseline would have sent, divided by what was sent: known even without prices. */
  tokenRatio: string;
  /** True when the run cost more than the remote-only baseline (small scopes can); never before it finished. */
  loss: boolean;
  /** What the run cost beyond the baseline, as a positive amount (meaningful when `loss`). */
  extra: string;
}

/** The saving of a ledger; `outcome` says whether its baseline is known yet (default: a finished run). */
export function savingFigures(ledger: LedgerSnapshot, outcome: RunOutcome = 'ok'): SavingFigures {
  if (!hasBaseline(outcome)) {
    const pending = pendingSaving(outcome);
    return { known: false, costRatio: pending, costPercent: pending, saved: pending, tokenRatio: pending, loss: false, extra: formatUsd(0) };
  }
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
  return { known: true, costRatio, costPercent, saved: formatUsd(savings.costUsd), tokenRatio, loss, extra: loss ? formatUsd(-(savings.costUsd ?? 0)) : formatUsd(0) };
}

/**
 * One run's saving in a few words (a history row): "saved $0.19", "cost $0.08 more than
 * remote-only", "saving unknown", or "saving when the run ends" while it runs.
 */
export function savingPhrase(savedUsd: number | null, outcome: RunOutcome): string {
  if (!hasBaseline(outcome)) return `saving ${pendingSaving(outcome)}`;
  if (savedUsd === null || !Number.isFinite(savedUsd)) return 'saving unknown';
  return savedUsd >= 0 ? `saved ${formatUsd(savedUsd)}` : `cost ${formatUsd(-savedUsd)} more than remote-only`;
}

/** "12.0x cheaper" for a ratio of 12, "1.7x more expensive" for 0.6: a ratio under 1 reads as its inverse. */
function compare(ratio: number, better: string, worse: string): string {
  return ratio >= 1 ? `${formatRatio(ratio)} ${better}` : `${formatRatio(1 / ratio)} ${worse}`;
}

export function formatRatio(ratio: number): string {
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
