// Any OpenAI-compatible Chat Completions server through the `openai` package: OpenAI, Azure
// OpenAI, OpenRouter, Together, Groq, vLLM as the remote; LM Studio, llama.cpp server or vLLM
// as a local alternative to Ollama. Servers differ in what they accept, so the client learns
// per endpoint (and remembers for the process): strict `json_schema` → `json_object` →
// schema-in-the-prompt, `temperature` or not, `max_tokens` vs `max_completion_tokens`.
import OpenAI, { BadRequestError } from 'openai';
import type { ChatModel, ChatRequest, ChatResult, FinishReason, HttpAttempt, Role } from './types';
import { completionLimit, isReasoningModel } from './reasoning';
import { AttemptController } from './abort';
import { classifyOpenAI, withoutSecret, type CallContext } from './classify';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry';
import { MinionsError } from '../errors';
import { schemaInstruction } from './schema-instruction';

export interface OpenAIModelOptions {
  role: Role;
  url: string;
  model: string;
  apiKey: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Extra headers (e.g. OpenRouter's attribution headers). Never logged. */
  headers?: Record<string, string>;
}

export type StructuredMode = 'json_schema' | 'json_object' | 'prompt';

export interface EndpointQuirks {
  structured: StructuredMode;
  temperature: boolean;
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  /** Whether to send `reasoning_effort` (reasoning models only; dropped if the endpoint rejects it). */
  reasoningEffort: boolean;
}

/** What each endpoint (URL + model) was found to accept, shared by every client in the process. */
const learned = new Map<string, EndpointQuirks>();

/** Reasoning models (o-series, GPT-5) reject `temperature` and `max_tokens`; start them right. */
function initialQuirks(model: string): EndpointQuirks {
  const reasoning = isReasoningModel(model);
  return { structured: 'json_schema', temperature: !reasoning, maxTokensParam: reasoning ? 'max_completion_tokens' : 'max_tokens', reasoningEffort: reasoning };
}

export function quirksOf(url: string, model: string): EndpointQuirks {
  const key = `${url}|${model}`;
  let q = learned.get(key);
  if (!q) learned.set(key, (q = initialQuirks(model)));
  return q;
}

/** Forget what was learned (tests; or after the user changes servers). */
export function resetLearnedQuirks(): void {
  learned.clear();
}

/** The instruction that carries the schema when the server cannot enforce it. */
export { schemaInstruction };

/** Adapts a 400 to what it complains about; returns false when it is not a quirk we can work around. */
function adaptTo(err: unknown, q: EndpointQuirks, sentSchema: boolean): boolean {
  if (!(err instanceof BadRequestError)) return false;
  const body = err.error as { message?: unknown; param?: unknown } | undefined;
  const text = `${typeof body?.message === 'string' ? body.message : err.message} ${typeof body?.param === 'string' ? body.param : ''}`;
  if (sentSchema && q.structured !== 'prompt' && /response_format|json_schema|json_object|structured|schema/i.test(text)) {
    q.structured = q.structured === 'json_schema' ? 'json_object' : 'prompt';
    return true;
  }
  if (q.reasoningEffort && /reasoning_effort/i.test(text)) {
    q.reasoningEffort = false;
    return true;
  }
  if (q.temperature && /temperature/i.test(text)) {
    q.temperature = false;
    return true;
  }
  if (q.maxTokensParam === 'max_tokens' && /max_tokens|max_completion_tokens/i.test(text)) {
    q.maxTokensParam = 'max_completion_tokens';
    return true;
  }
  return false;
}

export function openAIFinishReason(reason: string | null | undefined, refusal: boolean): FinishReason {
  if (refusal) return 'refusal';
  if (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call' || !reason) return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return 'other';
}

export class OpenAICompatibleModel implements ChatModel {
  readonly provider = 'openai-compatible';
  readonly role: Role;
  readonly model: string;
  readonly contextTokens: number | undefined = undefined;
  private readonly client: OpenAI;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  /** Kept only to scrub it from server error bodies that echo it (a #private field never serializes). */
  readonly #apiKey: string;

  constructor(options: OpenAIModelOptions) {
    if (!options.apiKey) {
      throw new MinionsError('remote-key-missing', 'No API key is set for the remote model',
        'Set one with "Minions: Set Remote API Key" in VS Code, or the MINIONS_REMOTE_API_KEY environment variable for the CLI');
    }
    this.role = options.role;
    this.model = options.model;
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.#apiKey = options.apiKey;
    // Retries and timeouts are ours (they honour retry-after and map to typed errors).
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: this.url, maxRetries: 0, timeout: this.timeoutMs + 5_000, defaultHeaders: options.headers ?? {} });
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    let ctx: CallContext | undefined;
    return withRetries(
      async () => {
        // Quirk fallbacks are not retries: each adapts the request once, then the loop ends.
        for (let adapt = 0; ; adapt++) {
          const attempt = new AttemptController(request.signal, this.timeoutMs);
          ctx = { role: this.role, provider: 'openai-compatible', url: this.url, model: this.model, timeoutMs: this.timeoutMs, timedOut: false, cancelled: false };
          const quirks = quirksOf(this.url, this.model);
          const started = Date.now();
          const body = this.buildBody(request, quirks, request.onDelta !== undefined);
          try {
            const result = await this.once(request, body, attempt);
            this.report(request, { body, ms: result.ms, ok: true, timedOut: false, content: result.content, finishReason: result.finishReason, usage: result.usage });
            return result;
          } catch (err) {
            ctx.timedOut = attempt.timedOut;
            ctx.cancelled = attempt.cancelledByCaller;
            if (!ctx.cancelled) {
              const e = withoutSecret(classifyOpenAI(err, ctx), this.#apiKey).error;
              this.report(request, { body, ms: Date.now() - started, ok: false, timedOut: ctx.timedOut, error: { code: e.code, message: e.message } });
            }
            if (adapt < 4 && !ctx.timedOut && !ctx.cancelled && adaptTo(err, quirks, request.schema !== undefined)) continue;
            throw err;
          } finally {
            attempt.dispose();
          }
        }
      },
      (err) => withoutSecret(classifyOpenAI(err, ctx!), this.#apiKey),
      this.retry,
      request.signal,
    );
  }

  /** Hands one attempt to the caller, with any echo of the key scrubbed (the body is ours, but a prompt could quote it). */
  private report(request: ChatRequest, attempt: HttpAttempt): void {
    if (!request.onAttempt) return;
    const text = JSON.stringify(attempt);
    request.onAttempt(text.includes(this.#apiKey) ? (JSON.parse(text.split(this.#apiKey).join('[redacted]')) as HttpAttempt) : attempt);
  }

  private buildBody(request: ChatRequest, q: EndpointQuirks, stream: boolean): Record<string, unknown> {
    const messages = request.messages.map((m) => ({ role: m.role, content: m.content }));
    if (request.schema && q.structured !== 'json_schema') {
      messages.unshift({ role: 'system', content: schemaInstruction(request.schema) });
    }
    const body: Record<string, unknown> = { model: this.model, messages };
    if (stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    if (request.temperature !== undefined && q.temperature) body.temperature = request.temperature;
    // A reasoning model's limit covers its hidden reasoning too: give it room beyond the answer.
    if (request.maxTokens !== undefined) body[q.maxTokensParam] = q.maxTokensParam === 'max_completion_tokens' ? completionLimit(this.model, request.maxTokens) : request.maxTokens;
    if (request.reasoningEffort && q.reasoningEffort) body.reasoning_effort = request.reasoningEffort;
    if (request.schema && q.structured === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true } };
    } else if (request.schema && q.structured === 'json_object') {
      body.response_format = { type: 'json_object' };
    }
    return body;
  }

  private async once(request: ChatRequest, body: Record<string, unknown>, attempt: AttemptController): Promise<ChatResult> {
    const started = Date.now();
    const stream = request.onDelta !== undefined;
    if (!stream) {
      const res = (await this.client.chat.completions.create(body as never, { signal: attempt.signal })) as OpenAI.Chat.ChatCompletion;
      const choice = res.choices?.[0];
      const refusal = typeof choice?.message?.refusal === 'string' && choice.message.refusal.length > 0;
      return {
        content: choice?.message?.content ?? '',
        usage: {
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
          cachedPromptTokens: res.usage?.prompt_tokens_details?.cached_tokens ?? 0,
          ...reasoningOf(res.usage),
        },
        finishReason: choice ? openAIFinishReason(choice.finish_reason, refusal) : 'other',
        model: res.model || this.model,
        ms: Date.now() - started,
      };
    }
    const chunks = (await this.client.chat.completions.create(body as never, { signal: attempt.signal })) as unknown as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    request.onStreamStart?.();
    let content = '';
    let finish: string | null | undefined;
    let refusal = false;
    let model = this.model;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of chunks) {
      attempt.touch();
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta?.content ?? '';
      if (delta) {
        content += delta;
        request.onDelta!(delta);
      }
      if (choice.delta?.refusal) refusal = true;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return {
      content,
      usage: {
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        cachedPromptTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        ...reasoningOf(usage),
      },
      finishReason: openAIFinishReason(finish, refusal),
      model,
      ms: Date.now() - started,
    };
  }
}

/** Hidden reasoning tokens, when the server reports them (they are already inside completion_tokens). */
function reasoningOf(usage: OpenAI.CompletionUsage | undefined): { reasoningTokens?: number } {
  const n = usage?.completion_tokens_details?.reasoning_tokens;
  return n ? { reasoningTokens: n } : {};
}
