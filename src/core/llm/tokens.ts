// Token counting offline with gpt-tokenizer. OpenAI's current families (GPT-4o, GPT-4.1, GPT-5,
// o-series) use o200k_base and are counted exactly. Every other model (legacy GPT-4/3.5 on
// cl100k_base, Claude, Llama, Qwen...) has a tokenizer we do not ship (cl100k alone would add
// ~1.5 MB to each bundle), so its count is an o200k-based estimate and is labelled as one.
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from './types';

export interface Tokenizer {
  /** `o200k_base`, or `o200k_base (approximate for this model)`. */
  readonly name: string;
  /** False when the count is an estimate for a model whose tokenizer we do not have. */
  readonly exact: boolean;
  count(text: string): number;
}

// Text that contains a special token's spelling (`<|endoftext|>` in a tokenizer's own source, say)
// is sent as ordinary text: the chat APIs never parse special tokens out of message content. So
// it is counted as text; gpt-tokenizer's default would throw "Disallowed special token" instead.
const AS_TEXT = { disallowedSpecial: new Set<string>() };
const countAsText = (t: string) => countO200k(t, AS_TEXT);
const O200K: Tokenizer = { name: 'o200k_base', exact: true, count: countAsText };
const ESTIMATE: Tokenizer = { name: 'o200k_base (approximate for this model)', exact: false, count: countAsText };

/** The tokenizer of a remote model family, by name (provider prefixes like `openai/` are ignored). */
export function tokenizerFor(model: string): Tokenizer {
  const name = model.toLowerCase().replace(/^openai\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4|gpt-oss|codex)/.test(name)) return O200K;
  return ESTIMATE;
}

/** Per-message framing overhead of the chat format (role markers), as OpenAI documents it: ~3 tokens. */
const MESSAGE_OVERHEAD = 3;
const REPLY_PRIMER = 3;

export function countMessages(messages: readonly ChatMessage[], tokenizer: Tokenizer = O200K): number {
  let total = REPLY_PRIMER;
  for (const m of messages) total += MESSAGE_OVERHEAD + tokenizer.count(m.content);
  return total;
}

export function countText(text: string, tokenizer: Tokenizer = O200K): number {
  return tokenizer.count(text);
}
