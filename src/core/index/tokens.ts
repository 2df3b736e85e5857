// Token estimate used for chunk sizing and the `tokens` field. Exact o200k counting
// (gpt-tokenizer) costs ~70 ms/MiB, a sizeable share of indexing; the estimate is a character
// ratio calibrated against o200k on source code (see scripts/bench/index.ts, which prints the
// estimate's error against exact counts on the benchmark corpus).

/** Characters per o200k token on typical source code. */
export const CHARS_PER_TOKEN = 3.6;

export function estimateTokens(chars: number): number {
  return chars <= 0 ? 0 : Math.max(1, Math.round(chars / CHARS_PER_TOKEN));
}
