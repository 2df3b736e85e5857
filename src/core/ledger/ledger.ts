// The run's token and cost accounting. It adds what the servers reported, plus (labelled as an
// estimate) the prompts of attempts the client gave up on that a server may still have billed;
// it prices the remote side and holds the two baselines the saving is measured against.
import type { BaselineFigure, Baselines, CallUsage, LedgerSnapshot, LocalUsage, RemoteUsage } from './types';
import { costOf, priceOf, DEFAULT_PRICES, type ModelPrice, type PriceTable } from './pricing';

/** Token counts of one baseline, as the protocol layer computes them. */
export interface BaselineCounts {
  promptTokens: number;
  completionTokens: number;
}

type BaselineInput =
  | { kind: 'counted'; sameContext: BaselineCounts & { calls: number }; remoteOnly: BaselineCounts; tokenizer: string }
  /** Remote-only compared with itself: both baselines are what the server billed, so the ratio is exactly 1. */
  | { kind: 'billed' };

export class Ledger {
  private readonly local: Required<LocalUsage> = { requests: 0, promptTokens: 0, completionTokens: 0, cachedJobs: 0, cachedMs: 0 };
  private readonly remote: Omit<RemoteUsage, 'costUsd'> = { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
  private baselines: BaselineInput | undefined;
  private readonly price: ModelPrice | undefined;

  constructor(remoteModel: string, prices: PriceTable = DEFAULT_PRICES) {
    this.price = priceOf(remoteModel, prices);
  }

  /** Whether the remote model has a known price (otherwise all dollar figures are null). */
  get priced(): boolean {
    return this.price !== undefined;
  }

  /** The remote model's price, for the spend cap's worst-case checks. */
  get remotePrice(): ModelPrice | undefined {
    return this.price;
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
      if (u.reasoningTokens) this.remote.reasoningTokens = (this.remote.reasoningTokens ?? 0) + u.reasoningTokens;
    }
  }

  /** A job answered from the job cache: no request and no tokens; `savedMs` is what reading it took the first time. */
  addCachedJob(savedMs: number): void {
    this.local.cachedJobs++;
    this.local.cachedMs += Math.max(0, Math.round(savedMs));
  }

  /**
   * A remote attempt the client abandoned (it timed out) and then retried: the provider may
   * have finished and billed it, so its prompt (counted here with `tokenizer`) is added to the
   * spend and labelled as an estimate. Its completion is unknowable and is not guessed.
   */
  addUnreported(promptTokens: number, tokenizer: string): void {
    this.remote.requests++;
    this.remote.promptTokens += promptTokens;
    const u = (this.remote.unreported ??= { requests: 0, promptTokens: 0, tokenizer });
    u.requests++;
    u.promptTokens += promptTokens;
  }

  /** Total remote tokens so far (prompt + completion), for the token cap. */
  get remoteTokens(): number {
    return this.remote.promptTokens + this.remote.completionTokens;
  }

  /** Dollars spent on the remote so far (null when unpriced), unrounded, for the USD cap. */
  get remoteCostUsd(): number | null {
    return costOf(this.remote, this.price);
  }

  setBaselines(b: BaselineInput): void {
    this.baselines = b;
  }

  snapshot(): LedgerSnapshot {
    const remoteCost = costOf(this.remote, this.price);
    const baselines = this.baselineFigures(remoteCost);
    const head = baselines ? baselines[baselines.headline] : undefined;
    const baselineCost = head ? head.costUsd : null;
    const saved = remoteCost === null || baselineCost === null ? null : round(baselineCost - remoteCost);
    const ratio = this.baselines?.kind === 'billed' && remoteCost !== null ? 1
      : remoteCost === null || baselineCost === null || remoteCost === 0 ? null : round(baselineCost / remoteCost, 4);
    return {
      // Cached-job figures only when there are some: a run without the cache reads as it always did.
      local: this.local.cachedJobs
        ? { ...this.local }
        : { requests: this.local.requests, promptTokens: this.local.promptTokens, completionTokens: this.local.completionTokens },
      remote: {
        ...this.remote,
        ...(this.remote.unreported ? { unreported: { ...this.remote.unreported } } : {}),
        costUsd: remoteCost === null ? null : round(remoteCost),
      },
      baseline: {
        remotePromptTokens: head?.promptTokens ?? 0,
        remoteCompletionTokens: head?.completionTokens ?? 0,
        costUsd: head ? head.costUsd : this.price ? 0 : null,
      },
      ...(baselines ? { baselines } : {}),
      savings: head ? { costUsd: saved, ratio } : { costUsd: this.price ? 0 : null, ratio: null },
    };
  }

  private baselineFigures(remoteCost: number | null): Baselines | undefined {
    const b = this.baselines;
    if (!b) return undefined;
    if (b.kind === 'billed') {
      const billed: BaselineFigure = {
        promptTokens: this.remote.promptTokens, completionTokens: this.remote.completionTokens,
        costUsd: remoteCost === null ? null : round(remoteCost), tokenizer: 'server', estimated: false,
      };
      return { sameContext: { ...billed, calls: this.remote.requests }, remoteOnly: { ...billed }, headline: 'remoteOnly' };
    }
    const figure = (c: BaselineCounts): BaselineFigure => {
      const cost = costOf(c, this.price);
      return { promptTokens: c.promptTokens, completionTokens: c.completionTokens, costUsd: cost === null ? null : round(cost), tokenizer: b.tokenizer, estimated: true };
    };
    const sameContext = { ...figure(b.sameContext), calls: b.sameContext.calls };
    const remoteOnly = figure(b.remoteOnly);
    // The conservative headline: the smaller baseline gives the smaller claimed saving.
    const size = (f: BaselineFigure) => f.costUsd ?? f.promptTokens + f.completionTokens;
    return { sameContext, remoteOnly, headline: size(sameContext) <= size(remoteOnly) ? 'sameContext' : 'remoteOnly' };
  }
}

/** Dollars kept to 8 decimals so sums of many tiny calls stay readable and stable. */
function round(x: number, digits = 8): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
