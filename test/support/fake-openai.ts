// A loopback server that speaks the OpenAI Chat Completions wire format:
//   POST /v1/chat/completions  JSON, or SSE chunks with "stream": true (a final usage chunk when
//                              stream_options.include_usage), usage.prompt_tokens_details.cached_tokens
//   GET  /v1/models            the models the key can use
// Errors use OpenAI's body `{"error":{"message","type","param","code"}}` and statuses (401 bad key,
// 404 model, 400 response_format, 429 with retry-after). Replies are scripted per test through
// `chat` (a function of the request); every request is recorded and reported usage summed.
import type { ServerResponse } from 'node:http';
import { LoopbackServer, delay, hang, sendJson, type RecordedRequest, type RouteContext } from './loopback';
import { promptTokensOf, completionTokensOf } from './fake-ollama';

export interface OpenAIChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface OpenAIChatScript {
  content?: string;
  refusal?: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Defaults: characters / 4 of the prompt and content; cached 0. */
  usage?: { prompt?: number; completion?: number; cached?: number; reasoning?: number };
  /**
   * With delayMs: the provider finishes (and bills) the request even though the client stopped
   * waiting, as real providers do for a request the client timed out on.
   */
  billedAfterClientGone?: boolean;
  /** An error reply: status, OpenAI error body, extra headers (e.g. retry-after). */
  status?: number;
  error?: { message: string; type?: string; code?: string | null; param?: string | null };
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  /** Reply with `choices: []`. */
  emptyChoices?: boolean;
  /** Raw bytes as a 200 body. */
  raw?: string;
  /** Streaming: wait this long between chunks (a slow stream). */
  chunkDelayMs?: number;
}

export type OpenAIChatHandler = (body: OpenAIChatBody, req: RecordedRequest) => OpenAIChatScript | Promise<OpenAIChatScript>;

export interface FakeOpenAIOptions {
  chat?: OpenAIChatHandler;
  /** The only key accepted (default 'sk-test-key'). */
  apiKey?: string;
  /** Models that exist (default: ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o']). */
  models?: string[];
  /** Reject `response_format` of these types with a 400, as some compatible servers do. */
  rejectResponseFormat?: ('json_schema' | 'json_object')[];
  /** Reject any request carrying `temperature` with a 400 (reasoning models do). */
  rejectTemperature?: boolean;
}

/** The schema name the client asked for: from response_format, or from the schema instruction in the prompt. */
export function schemaNameOf(body: OpenAIChatBody): string | undefined {
  if (body.response_format?.json_schema?.name) return body.response_format.json_schema.name;
  for (const m of body.messages) {
    const match = /JSON schema named "([^"]+)"/.exec(m.content);
    if (match) return match[1];
  }
  return undefined;
}

export class FakeOpenAI {
  readonly reported = { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
  chat: OpenAIChatHandler;
  readonly apiKey: string;
  models: string[];
  private seq = 0;

  private constructor(readonly server: LoopbackServer, private readonly options: FakeOpenAIOptions) {
    this.chat = options.chat ?? (() => ({ content: 'ok' }));
    this.apiKey = options.apiKey ?? 'sk-test-key';
    this.models = options.models ?? ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o'];
  }

  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    let self: FakeOpenAI | undefined;
    const server = await LoopbackServer.start((ctx) => self!.route(ctx));
    self = new FakeOpenAI(server, options);
    return self;
  }

  /** The base URL a client is given (with /v1). */
  get url(): string {
    return `${this.server.url}/v1`;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  chatBodies(): OpenAIChatBody[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as OpenAIChatBody);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(res: ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}): void {
    sendJson(res, status, { error: { message, type, param, code } }, headers);
  }

  private async route(ctx: RouteContext): Promise<void> {
    const { req, res } = ctx;
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      // Like OpenAI, name the problem but never echo the key back.
      return this.error(res, 401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && req.path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })) });
    }
    if (req.method === 'POST' && req.path === '/v1/chat/completions') return this.completions(ctx);
    this.error(res, 404, `Unknown request URL: ${req.method} ${req.path}.`, 'invalid_request_error', 'unknown_url');
  }

  private async completions(ctx: RouteContext): Promise<void> {
    const { req, res, clientGone } = ctx;
    const body = req.body as OpenAIChatBody;
    if (!this.models.includes(body.model)) {
      return this.error(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    }
    const rf = body.response_format?.type as 'json_schema' | 'json_object' | undefined;
    if (rf && this.options.rejectResponseFormat?.includes(rf)) {
      return this.error(res, 400, `Invalid parameter: 'response_format' of type '${rf}' is not supported with this model.`, 'invalid_request_error', null, 'response_format');
    }
    if (this.options.rejectTemperature && body.temperature !== undefined) {
      return this.error(res, 400, "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.", 'invalid_request_error', 'unsupported_value', 'temperature');
    }
    const script = await this.chat(body, req);
    if (script.delayMs && !(await delay(script.delayMs, clientGone))) {
      if (script.billedAfterClientGone) this.count(script.usage?.prompt ?? promptTokensOf(body.messages), 0, script.usage?.completion ?? completionTokensOf(script.content ?? ''));
      return;
    }
    if (script.hang) return hang(clientGone);
    if (script.status && script.status >= 400) {
      const e = script.error ?? { message: 'The server had an error while processing your request.', type: 'server_error' };
      return this.error(res, script.status, e.message, e.type ?? 'invalid_request_error', e.code ?? null, e.param ?? null, script.headers ?? {});
    }
    if (script.raw !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(script.raw);
      return;
    }
    const content = script.refusal ? null : (script.content ?? '');
    const prompt = script.usage?.prompt ?? promptTokensOf(body.messages);
    const completion = script.usage?.completion ?? completionTokensOf(content ?? script.refusal ?? '');
    const cached = script.usage?.cached ?? 0;
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: script.usage?.reasoning ?? 0, audio_tokens: 0 } };
    const id = `chatcmpl-fake${++this.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = script.refusal ? 'stop' : (script.finishReason ?? 'stop');
    if (!body.stream) {
      this.count(prompt, cached, completion);
      return sendJson(res, 200, {
        id, object: 'chat.completion', created, model: body.model, system_fingerprint: 'fp_fake',
        choices: script.emptyChoices ? [] : [{ index: 0, message: { role: 'assistant', content, refusal: script.refusal ?? null }, logprobs: null, finish_reason: finish }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish_reason: string | null) =>
      ({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_fake', choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
    if (!script.emptyChoices) {
      send(chunk({ role: 'assistant', content: '', refusal: null }, null));
      const text = content ?? '';
      const pieces = script.refusal ? [script.refusal] : (text.match(/[\s\S]{1,16}/g) ?? []);
      for (const piece of pieces) {
        if (script.chunkDelayMs && !(await delay(script.chunkDelayMs, clientGone))) return;
        if (clientGone.aborted) return;
        send(chunk(script.refusal ? { refusal: piece } : { content: piece }, null));
      }
      send(chunk({}, finish));
    }
    if (body.stream_options?.include_usage) {
      send({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_fake', choices: [], usage });
    }
    this.count(prompt, cached, completion);
    res.end('data: [DONE]\n\n');
  }

  private count(prompt: number, cached: number, completion: number): void {
    this.reported.requests++;
    this.reported.promptTokens += prompt;
    this.reported.cachedPromptTokens += cached;
    this.reported.completionTokens += completion;
  }
}
