// Remote model prices in USD per 1M tokens. Figures are the providers' published list prices
// as of mid-2025 (OpenAI's API pricing page; Anthropic's and Google's pricing pages as listed
// through OpenRouter, which passes them on unchanged). Prices change: users override or extend
// this table (the extension's `minions.remote.pricing` setting, the CLI's
// MINIONS_PRICING_JSON), and a model that is not in the table is priced as unknown (null),
// never as free.

export interface ModelPrice {
  /** USD per 1M uncached prompt tokens. */
  input: number;
  /** USD per 1M cached prompt tokens (equals `input` where the provider gives no discount). */
  cachedInput: number;
  /** USD per 1M completion tokens. */
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

const p = (input: number, cachedInput: number, output: number): ModelPrice => ({ input, cachedInput, output });

export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o': p(2.5, 1.25, 10),
  'gpt-4o-mini': p(0.15, 0.075, 0.6),
  'gpt-4.1': p(2, 0.5, 8),
  'gpt-4.1-mini': p(0.4, 0.1, 1.6),
  'gpt-4.1-nano': p(0.1, 0.025, 0.4),
  'gpt-5': p(1.25, 0.125, 10),
  'gpt-5-mini': p(0.25, 0.025, 2),
  'gpt-5-nano': p(0.05, 0.005, 0.4),
  'o1': p(15, 7.5, 60),
  'o3': p(2, 0.5, 8),
  'o3-mini': p(1.1, 0.55, 4.4),
  'o4-mini': p(1.1, 0.275, 4.4),
  'gpt-4-turbo': p(10, 10, 30),
  'gpt-3.5-turbo': p(0.5, 0.5, 1.5),
  'anthropic/claude-3.5-sonnet': p(3, 0.3, 15),
  'anthropic/claude-3.7-sonnet': p(3, 0.3, 15),
  'anthropic/claude-sonnet-4': p(3, 0.3, 15),
  'anthropic/claude-sonnet-4.5': p(3, 0.3, 15),
  'anthropic/claude-opus-4': p(15, 1.5, 75),
  'anthropic/claude-opus-4.1': p(15, 1.5, 75),
  'anthropic/claude-3.5-haiku': p(0.8, 0.08, 4),
  'anthropic/claude-haiku-4.5': p(1, 0.1, 5),
  'google/gemini-2.5-pro': p(1.25, 0.31, 10),
  'google/gemini-2.5-flash': p(0.3, 0.075, 2.5),
};

/** Suffixes that name the same priced model: dated snapshots (`-2024-08-06`, `-0125`), `-latest`, Ollama-style tags. */
const SAME_MODEL_SUFFIX = /^(-\d{4}-\d{2}-\d{2}|-\d{4}|-latest|:[\w.-]+)$/;

/**
 * The price of `model`, or undefined when unknown. Matches exactly, then without an `openai/`
 * prefix, then a table entry plus a snapshot suffix. A longer name is never priced as a
 * shorter one (`o1-pro` is not `o1`).
 */
export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const candidates = [model, model.toLowerCase(), model.toLowerCase().replace(/^openai\//, '')];
  for (const name of candidates) {
    const exact = table[name];
    if (exact) return exact;
  }
  const name = candidates[2]!;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (name.startsWith(k) && SAME_MODEL_SUFFIX.test(name.slice(k.length)) && (!best || k.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** The user's overrides on top of the defaults; malformed entries are reported, not silently used. */
export function mergePrices(overrides: unknown, base: PriceTable = DEFAULT_PRICES): { table: PriceTable; invalid: string[] } {
  const table: Record<string, ModelPrice> = { ...base };
  const invalid: string[] = [];
  if (overrides && typeof overrides === 'object') {
    for (const [name, value] of Object.entries(overrides as Record<string, unknown>)) {
      const v = value as Partial<ModelPrice> | null;
      const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
      if (v && ok(v.input) && ok(v.output) && (v.cachedInput === undefined || ok(v.cachedInput))) {
        table[name] = { input: v.input!, output: v.output!, cachedInput: v.cachedInput ?? v.input! };
      } else invalid.push(name);
    }
  }
  return { table, invalid };
}

/** Dollars for one set of token counts; null when the price is unknown. */
export function costOf(
  usage: { promptTokens: number; cachedPromptTokens?: number; completionTokens: number },
  price: ModelPrice | undefined,
): number | null {
  if (!price) return null;
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  return (uncached * price.input + cached * price.cachedInput + usage.completionTokens * price.output) / 1_000_000;
}
