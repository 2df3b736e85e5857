// The hard spend cap (issue 11): before every remote request the engine prices its worst case
// (the prompt as counted here, plus a margin for tokenizer differences, and the whole completion
// limit at the output price) and does not send a request that could take the run past
// `maxUsd` or `maxRemoteTokens`. The caller then answers from what it has or ends `partial`.
import { MinionsError } from '../errors';
import { formatUsd } from '../ledger/money';
import type { Ledger } from '../ledger/ledger';
import { countMessages, tokenizerFor } from '../llm/tokens';
import { completionLimit } from '../llm/reasoning';
import type { ChatRequest } from '../llm/types';

export interface SpendCap {
  /** Most dollars of remote spend in one run (server-reported tokens at the model's price). */
  maxUsd?: number;
  /** Most remote tokens (prompt + completion) in one run. */
  maxRemoteTokens?: number;
}

/** Our count of a prompt can differ from the server's (framing, schema rendering): the worst case adds this share. */
const PROMPT_MARGIN = 0.1;
/** A request without a limit is priced as if it could write this much. */
const UNBOUNDED_COMPLETION = 16_384;


/** Validates a cap from settings or flags: positive finite numbers or nothing. */
export function checkCap(cap: SpendCap | undefined): SpendCap {
  const out: SpendCap = {};
  for (const key of ['maxUsd', 'maxRemoteTokens'] as const) {
    const v = cap?.[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new MinionsError('bad-input', `The spend cap ${key} must be a positive number, not ${String(v)}`,
        key === 'maxUsd' ? 'Set minions.budget.maxUsdPerRun (CLI: --max-usd) to e.g. 0.05, or leave it empty' : 'Set minions.budget.maxRemoteTokensPerRun (CLI: --max-remote-tokens) to e.g. 20000, or leave it empty');
    }
    out[key] = v;
  }
  return out;
}

export class SpendGuard {
  constructor(private readonly cap: SpendCap, private readonly ledger: Ledger, private readonly remoteModel: string) {
    // Refused before any request: a dollar cap cannot be kept without a price.
    if (cap.maxUsd !== undefined && !ledger.priced) {
      throw new MinionsError('bad-input', `A spend cap of ${formatUsd(cap.maxUsd)} is set, but the remote model ${remoteModel} has no known price`,
        'Add its price to minions.prices (CLI: MINIONS_PRICING_JSON), or clear minions.budget.maxUsdPerRun (CLI: drop --max-usd)');
    }
  }

  get active(): boolean {
    return this.cap.maxUsd !== undefined || this.cap.maxRemoteTokens !== undefined;
  }

  /** The worst case of one request: prompt tokens (with the margin) and its whole completion limit. */
  worstCase(request: Pick<ChatRequest, 'messages' | 'schema' | 'maxTokens'>): { promptTokens: number; completionTokens: number; costUsd: number | null } {
    const tokenizer = tokenizerFor(this.remoteModel);
    const counted = countMessages(request.messages, tokenizer) + (request.schema ? tokenizer.count(JSON.stringify(request.schema.schema)) : 0);
    const promptTokens = Math.ceil(counted * (1 + PROMPT_MARGIN));
    const completionTokens = completionLimit(this.remoteModel, request.maxTokens ?? UNBOUNDED_COMPLETION);
    const price = this.ledger.remotePrice;
    const costUsd = price ? (promptTokens * price.input + completionTokens * price.output) / 1_000_000 : null;
    return { promptTokens, completionTokens, costUsd };
  }

  /** Whether `times` requests the size of `request` still fit under the cap (a round that could not be finished is not started). */
  fits(request: Pick<ChatRequest, 'messages' | 'schema' | 'maxTokens'>, times: number): boolean {
    if (!this.active) return true;
    const worst = this.worstCase(request);
    const { maxUsd, maxRemoteTokens } = this.cap;
    if (maxUsd !== undefined && worst.costUsd !== null && (this.ledger.remoteCostUsd ?? 0) + times * worst.costUsd > maxUsd) return false;
    return maxRemoteTokens === undefined || this.ledger.remoteTokens + times * (worst.promptTokens + worst.completionTokens) <= maxRemoteTokens;
  }

  /** Set when the cap made the run answer earlier than it would have (the run's `reason` is then `budget`). */
  shortened = false;

  /** Throws `budget-exceeded` (nothing sent) when `request` could take the run past the cap. */
  check(request: Pick<ChatRequest, 'messages' | 'schema' | 'maxTokens'>, purpose: string): void {
    if (!this.active) return;
    const worst = this.worstCase(request);
    const { maxUsd, maxRemoteTokens } = this.cap;
    if (maxUsd !== undefined && worst.costUsd !== null) {
      const spent = this.ledger.remoteCostUsd ?? 0;
      if (spent + worst.costUsd > maxUsd) {
        throw new MinionsError('budget-exceeded', `The ${purpose} request could cost up to ${formatUsd(worst.costUsd)}, which would pass the cap of ${formatUsd(maxUsd)} (spent so far ${formatUsd(spent)}); it was not sent`,
          'Raise minions.budget.maxUsdPerRun (CLI: --max-usd), or narrow the question or scope');
      }
    }
    if (maxRemoteTokens !== undefined) {
      const worstTokens = worst.promptTokens + worst.completionTokens;
      const spent = this.ledger.remoteTokens;
      if (spent + worstTokens > maxRemoteTokens) {
        throw new MinionsError('budget-exceeded', `The ${purpose} request could use up to ${worstTokens} remote tokens, which would pass the cap of ${maxRemoteTokens} (used so far ${spent}); it was not sent`,
          'Raise minions.budget.maxRemoteTokensPerRun (CLI: --max-remote-tokens), or narrow the question or scope');
      }
    }
  }
}
