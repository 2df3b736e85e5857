// Reasoning models (OpenAI's o-series and GPT-5) think in hidden tokens that count against
// `max_completion_tokens` and are billed as output. A limit sized for the visible answer alone
// gets spent on reasoning and the reply comes back cut or empty, so their limit gets room for it.

/** Hidden reasoning room added to a reasoning model's completion limit (low effort rarely needs more). */
export const REASONING_ROOM_TOKENS = 8192;

export function isReasoningModel(model: string): boolean {
  return /^(openai\/)?(o\d|gpt-5)/i.test(model);
}

/** The completion limit actually sent for a request that wants `maxTokens` of visible answer. */
export function completionLimit(model: string, maxTokens: number): number {
  return isReasoningModel(model) ? maxTokens + REASONING_ROOM_TOKENS : maxTokens;
}
