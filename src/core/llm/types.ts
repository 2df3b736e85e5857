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
  /** Reasoning models only (o-series, GPT-5), where the endpoint accepts it: how much hidden reasoning to spend. */
  reasoningEffort?: 'low' | 'medium' | 'high';
  /** Called once per HTTP request sent (retries and quirk fallbacks included), for the ledger and the audit of what left the machine. */
  onAttempt?: (attempt: HttpAttempt) => void;
  /** Called when a streamed attempt starts (a retry or repair starts the text over). */
  onStreamStart?: () => void;
}

/** One HTTP request to a model server, as it was sent and as it ended. */
export interface HttpAttempt {
  /** The request body exactly as sent (the API key travels in a header, never here; an echo of it is redacted). */
  body: Record<string, unknown>;
  ms: number;
  ok: boolean;
  /** The client stopped waiting (its timeout): the server may still have finished, and billed, the request. */
  timedOut: boolean;
  content?: string;
  finishReason?: FinishReason;
  usage?: CallUsage;
  error?: { code: string; message: string };
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
