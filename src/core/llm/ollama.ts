// The local model through Ollama's native API (`/api/chat`) with the `ollama` package.
// Every request sizes `num_ctx` to its prompt: Ollama's default window is small and it
// silently drops the start of a longer prompt, so we never rely on it, and we check the
// reported prompt length to catch a cut that happened anyway.
import { Ollama, type ChatResponse, type Message } from 'ollama';
import type { ChatModel, ChatRequest, ChatResult, FinishReason } from './types';
import { AttemptController, anySignal } from './abort';
import { classifyOllama, type CallContext } from './classify';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry';
import { countMessages, countText } from './tokens';

export interface OllamaModelOptions {
  url: string;
  model: string;
  /** 'auto' (default): sized per request; a number: always this window. */
  numCtx?: 'auto' | number;
  /** Largest window 'auto' may ask for (memory grows with it). */
  maxNumCtx?: number;
  keepAlive?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

/** Local tokenizers (Qwen, Llama, Gemma) spend more tokens on code than o200k does; size with a margin. */
const LOCAL_TOKENIZER_FACTOR = 1.25;
const DEFAULT_MAX_TOKENS = 1024;
/**
 * A prompt reported at less than this share of its last message was cut by the server. Only the
 * last message counts: Ollama reports just the tokens it evaluated, and an earlier prefix (the
 * system prompt shared by every job) may have come from its cache.
 */
const TRUNCATION_SHARE = 0.5;
/** Below this many tokens in the last message the check says nothing (a cached prefix could explain any gap). */
const TRUNCATION_MIN_TOKENS = 512;

export function ollamaFinishReason(doneReason: string | undefined): FinishReason {
  if (doneReason === 'stop' || doneReason === undefined || doneReason === '') return 'stop';
  if (doneReason === 'length') return 'length';
  return 'other';
}

/** `num_ctx` for a prompt: its estimated size plus room for the answer, rounded up to 1024. */
export function sizeNumCtx(promptTokens: number, maxTokens: number, cap: number): number {
  const needed = Math.ceil(promptTokens * LOCAL_TOKENIZER_FACTOR) + maxTokens + 64;
  return Math.min(cap, Math.max(2048, Math.ceil(needed / 1024) * 1024));
}

export class OllamaModel implements ChatModel {
  readonly role = 'local' as const;
  readonly provider = 'ollama';
  readonly model: string;
  readonly contextTokens: number | undefined;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: OllamaModelOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.model = options.model;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retry = options.retry ?? { ...DEFAULT_RETRY, retries: 2 };
    this.contextTokens = typeof options.numCtx === 'number' ? options.numCtx : (options.maxNumCtx ?? 32_768);
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const expected = countMessages(request.messages);
    const lastMessage = countText(request.messages.at(-1)?.content ?? '');
    const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    const numCtx = typeof this.options.numCtx === 'number'
      ? this.options.numCtx
      : sizeNumCtx(expected, maxTokens, this.options.maxNumCtx ?? 32_768);
    let ctx: CallContext | undefined;
    return withRetries(
      async () => {
        const attempt = new AttemptController(request.signal, this.timeoutMs);
        ctx = { role: 'local', provider: 'ollama', url: this.url, model: this.model, timeoutMs: this.timeoutMs, timedOut: false, cancelled: false };
        const started = Date.now();
        try {
          const result = await this.once(request, numCtx, maxTokens, attempt);
          const reported = result.usage.promptTokens;
          if (reported > 0 && lastMessage > TRUNCATION_MIN_TOKENS && reported < lastMessage * TRUNCATION_SHARE) {
            result.promptTruncated = { reportedTokens: reported, expectedTokens: expected };
          }
          result.ms = Date.now() - started;
          return result;
        } catch (err) {
          ctx.timedOut = attempt.timedOut;
          ctx.cancelled = attempt.cancelledByCaller;
          throw err;
        } finally {
          attempt.dispose();
        }
      },
      (err) => classifyOllama(err, ctx!),
      this.retry,
      request.signal,
    );
  }

  private async once(request: ChatRequest, numCtx: number, maxTokens: number, attempt: AttemptController): Promise<ChatResult> {
    // The package's own abort() misses non-streaming requests; our fetch carries the signal instead.
    const client = new Ollama({
      host: this.url,
      fetch: (input, init) => fetch(input, { ...init, signal: anySignal(init?.signal ?? undefined, attempt.signal) }),
    });
    const body = {
      model: this.model,
      messages: request.messages as Message[],
      ...(request.schema ? { format: request.schema.schema } : {}),
      options: { num_ctx: numCtx, num_predict: maxTokens, ...(request.temperature !== undefined ? { temperature: request.temperature } : {}) },
      ...(this.options.keepAlive ? { keep_alive: this.options.keepAlive } : {}),
    };
    let final: ChatResponse;
    let content = '';
    if (request.onDelta) {
      const stream = await client.chat({ ...body, stream: true });
      request.onStreamStart?.();
      let last: ChatResponse | undefined;
      for await (const part of stream) {
        attempt.touch();
        const delta = part.message?.content ?? '';
        if (delta) {
          content += delta;
          request.onDelta(delta);
        }
        last = part;
      }
      if (!last) throw new SyntaxError('empty stream');
      final = last;
    } else {
      final = await client.chat({ ...body, stream: false });
      content = final.message?.content ?? '';
    }
    return {
      content,
      usage: { promptTokens: final.prompt_eval_count ?? 0, completionTokens: final.eval_count ?? 0 },
      finishReason: ollamaFinishReason(final.done_reason),
      model: final.model || this.model,
      ms: 0,
    };
  }
}
