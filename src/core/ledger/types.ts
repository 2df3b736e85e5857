// Token and cost figures as they travel in RunEvents, the CLI's JSON and the panel.
// Token counts are sums of what the servers reported; dollars are null when the model's
// price is unknown (never silently zero).

export interface LocalUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Jobs answered from the job cache: no request, no tokens. */
  cachedJobs?: number;
  /** Local time those cached jobs took when they were first read (the time the cache saved). */
  cachedMs?: number;
}

export interface RemoteUsage {
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  /** Of completionTokens: hidden reasoning the server reported (o-series, GPT-5); billed as output. */
  reasoningTokens?: number;
  /**
   * Attempts the client gave up on (timed out) that the server may still have finished and
   * billed: no usage came back, so their prompt tokens are counted here with `tokenizer`, are
   * included in promptTokens and costUsd, and are labelled as an estimate.
   */
  unreported?: { requests: number; promptTokens: number; tokenizer: string };
  costUsd: number | null;
}

/** One baseline: what a remote-only run would have been billed, counted here (an estimate, with the tokenizer named). */
export interface BaselineFigure {
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
  /** The tokenizer the counts were made with (`o200k_base`, or `o200k_base (approximate for this model)`); `server` when billed figures are used. */
  tokenizer: string;
  /** False only when the figure is what a server reported (remote-only compared with itself). */
  estimated: boolean;
}

export interface Baselines {
  /** The paper's definition: the remote reading every chunk local jobs answered or abstained on, packed into requests that fit its context window. */
  sameContext: BaselineFigure & { calls: number };
  /** The exact request this product's remote-only protocol would send for this question and scope. */
  remoteOnly: BaselineFigure;
  /** Which of the two is the headline (the cheaper one: the conservative saving). */
  headline: 'sameContext' | 'remoteOnly';
}

/** The headline baseline in the original shape (kept for --json compatibility). */
export interface BaselineUsage {
  remotePromptTokens: number;
  remoteCompletionTokens: number;
  costUsd: number | null;
}

export interface Savings {
  costUsd: number | null;
  /** baseline / actual remote cost (e.g. 12 means 12x cheaper); null when unknown or actual is 0. */
  ratio: number | null;
}

export interface LedgerSnapshot {
  local: LocalUsage;
  remote: RemoteUsage;
  /** The headline baseline (the smaller of `baselines`). */
  baseline: BaselineUsage;
  /** Both baselines; absent in ledgers recorded before they existed. */
  baselines?: Baselines;
  /** Against the headline baseline. */
  savings: Savings;
}

/** Token usage of one model call as reported by its server. */
export interface CallUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  /** Of completionTokens: hidden reasoning tokens, when the server reports them. */
  reasoningTokens?: number;
}
