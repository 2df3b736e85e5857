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
  costUsd: number | null;
}

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
  baseline: BaselineUsage;
  savings: Savings;
}

/** Token usage of one model call as reported by its server. */
export interface CallUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
}
