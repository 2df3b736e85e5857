// The run's token and cost accounting. It only ever adds what the servers reported (never an
// estimate), prices the remote side, and holds the remote-only baseline for the savings figure.
import type { CallUsage, LedgerSnapshot, LocalUsage, RemoteUsage } from './types';
import { costOf, priceOf, DEFAULT_PRICES, type ModelPrice, type PriceTable } from './pricing';

export class Ledger {
  private readonly local: Required<LocalUsage> = { requests: 0, promptTokens: 0, completionTokens: 0, cachedJobs: 0, cachedMs: 0 };
  private readonly remote: Omit<RemoteUsage, 'costUsd'> = { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
  private baselinePrompt = 0;
  private baselineCompletion = 0;
  private readonly price: ModelPrice | undefined;

  constructor(remoteModel: string, prices: PriceTable = DEFAULT_PRICES) {
    this.price = priceOf(remoteModel, prices);
  }

  /** Whether the remote model has a known price (otherwise all dollar figures are null). */
  get priced(): boolean {
    return this.price !== undefined;
  }

  /** Records one request's server-reported usage (a failed request that got no usage still counts as a request). */
  add(role: 'local' | 'remote', usage: CallUsage | undefined): void {
    const u = usage ?? { promptTokens: 0, completionTokens: 0 };
    if (role === 'local') {
      this.local.requests++;
      this.local.promptTokens += u.promptTokens;
      this.local.completionTokens += u.completionTokens;
    } else {
      this.remote.requests++;
      this.remote.promptTokens += u.promptTokens;
      this.remote.cachedPromptTokens += u.cachedPromptTokens ?? 0;
      this.remote.completionTokens += u.completionTokens;
    }
  }

  /** A job answered from the job cache: no request and no tokens; `savedMs` is what reading it took the first time. */
  addCachedJob(savedMs: number): void {
    this.local.cachedJobs++;
    this.local.cachedMs += Math.max(0, Math.round(savedMs));
  }

  /** The remote-only protocol's cost for the same context: its prompt and the answer's length. */
  setBaseline(promptTokens: number, completionTokens: number): void {
    this.baselinePrompt = promptTokens;
    this.baselineCompletion = completionTokens;
  }

  snapshot(): LedgerSnapshot {
    const remoteCost = costOf(this.remote, this.price);
    const baselineCost = costOf({ promptTokens: this.baselinePrompt, completionTokens: this.baselineCompletion }, this.price);
    const saved = remoteCost === null || baselineCost === null ? null : round(baselineCost - remoteCost);
    const ratio = remoteCost === null || baselineCost === null || remoteCost === 0 ? null : round(baselineCost / remoteCost, 4);
    return {
      // Cached-job figures only when there are some: a run without the cache reads as it always did.
      local: this.local.cachedJobs
        ? { ...this.local }
        : { requests: this.local.requests, promptTokens: this.local.promptTokens, completionTokens: this.local.completionTokens },
      remote: { ...this.remote, costUsd: remoteCost === null ? null : round(remoteCost) },
      baseline: {
        remotePromptTokens: this.baselinePrompt,
        remoteCompletionTokens: this.baselineCompletion,
        costUsd: baselineCost === null ? null : round(baselineCost),
      },
      savings: { costUsd: saved, ratio },
    };
  }
}

/** Dollars kept to 8 decimals so sums of many tiny calls stay readable and stable. */
function round(x: number, digits = 8): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
