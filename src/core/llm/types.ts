// The one interface both model roles are reached through. Ollama, OpenAI-compatible servers
// and the embedded llama.cpp provider all implement ChatModel, so the protocol engine never
// knows which one it is talking to.

import type { CallUsage } from '../ledger/types';

export type Role = 'local' | 'remote';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON Schema object (draft 2020-12 subset that Ollama, OpenAI strict mode and llama.cpp grammars accept). */
export type JsonSchema = Record<string, unknown>;

export interface ChatRequest {
  messages: ChatMessage[];
  /** When set, the model must answer with JSON matching it (server-side enforcement where supported). */
  schema?: { name: string; schema: JsonSchema };
  temperature?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  signal?: AbortSignal;
  /** Called with each streamed text delta, when the provider streams. */
  onDelta?: (text: string) => void;
  /** Called when a streamed attempt starts (a retry or repair starts the text over). */
  onStreamStart?: () => void;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'refusal' | 'other';

export interface ChatResult {
  content: string;
  usage: CallUsage;
  finishReason: FinishReason;
  /** Model name as the server reported it. */
  model: string;
  ms: number;
  /**
   * Set when the server evaluated far fewer prompt tokens than were sent: it silently cut the
   * prompt to fit its context window (Ollama does this instead of failing).
   */
  promptTruncated?: { reportedTokens: number; expectedTokens: number };
  /**
   * Set when the token limit cut a grammar-constrained JSON answer and the provider closed it
   * (what the cut left half-written was dropped): the content is valid JSON, and shorter.
   */
  closedAfterCut?: boolean;
}

export interface ChatModel {
  readonly role: Role;
  /** Provider kind, e.g. `ollama`, `openai-compatible`, `embedded`. */
  readonly provider: string;
  /** Model name, e.g. `qwen2.5-coder:3b`, `gpt-4.1`. */
  readonly model: string;
  /** Context window the provider will use, when known (the engine sizes chunks and digests to it). */
  readonly contextTokens?: number;
  chat(request: ChatRequest): Promise<ChatResult>;
}
