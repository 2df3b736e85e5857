// A loopback server that speaks Ollama's native API as the real one does (0.6-era wire format):
//   POST /api/chat   NDJSON stream (default) or one JSON object with "stream": false, with
//                    prompt_eval_count / eval_count / done_reason; 404 for a model not installed
//   GET  /api/tags   installed models        POST /api/show   model details and context length
//   POST /api/pull   NDJSON progress         GET  /api/version
// Each chat reply is scripted per test by `chat` (a function of the request) and can be a
// normal answer, an HTTP error, a hang, a delay, a mid-stream disconnect or raw bytes. Every
// request is recorded (see LoopbackServer) and every reported usage is summed in `reported`.
import type { ServerResponse } from 'node:http';
import { LoopbackServer, delay, hang, sendJson, Slots, type RecordedRequest, type RouteContext } from './loopback';

export interface OllamaChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: { num_ctx?: number; num_predict?: number; temperature?: number };
  keep_alive?: string | number;
}

/** What the fake does with one /api/chat request. */
export interface OllamaChatScript {
  /** The assistant's text (for a JSON-format request, the JSON as text). */
  content?: string;
  /** Defaults: a deterministic count from the prompt (characters / 4) and from the content. */
  promptEvalCount?: number;
  evalCount?: number;
  doneReason?: 'stop' | 'length' | 'load' | 'unload';
  /** Wait before answering (aborted early if the client goes away). */
  delayMs?: number;
  /** Answer with this HTTP status and `{"error": message}`. */
  status?: number;
  error?: string;
  /** Never answer. */
  hang?: boolean;
  /** Send these bytes as the body with status 200 instead of a proper reply. */
  raw?: string;
  /** Streaming only: close the connection after this many content pieces. */
  dropAfterPieces?: number;
}

export type OllamaChatHandler = (body: OllamaChatBody, req: RecordedRequest) => OllamaChatScript | Promise<OllamaChatScript>;

export interface FakeOllamaOptions {
  chat?: OllamaChatHandler;
  /** Installed model names (default: ['qwen2.5-coder:3b']). A chat for any other model gets 404. */
  models?: string[];
  /** Parallel slots (OLLAMA_NUM_PARALLEL): requests beyond this wait for a free slot. */
  slots?: number;
  /** Context length that /api/show reports. */
  contextLength?: number;
  /** Scripted /api/pull: the statuses streamed (default: a short, successful pull). Error when `pullError` is set. */
  pullError?: string;
}

export const promptTokensOf = (messages: { content: string }[]): number =>
  Math.max(1, Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4));
export const completionTokensOf = (content: string): number => Math.max(1, Math.ceil(content.length / 4));

export class FakeOllama {
  /** Usage the fake reported in completed chat replies, summed. */
  readonly reported = { requests: 0, promptTokens: 0, completionTokens: 0 };
  chat: OllamaChatHandler;
  models: string[];
  readonly slots: Slots | undefined;

  private constructor(readonly server: LoopbackServer, private readonly options: FakeOllamaOptions, slots: Slots | undefined) {
    this.chat = options.chat ?? (() => ({ content: '{"relevant":false,"finding":"","lines":[]}' }));
    this.models = options.models ?? ['qwen2.5-coder:3b'];
    this.slots = slots;
  }

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
    let self: FakeOllama | undefined;
    const server = await LoopbackServer.start((ctx) => self!.route(ctx));
    self = new FakeOllama(server, options, options.slots ? new Slots(options.slots) : undefined);
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** The parsed bodies of every /api/chat request so far. */
  chatBodies(): OllamaChatBody[] {
    return this.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as OllamaChatBody);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async route(ctx: RouteContext): Promise<void> {
    const { req, res } = ctx;
    if (req.method === 'GET' && req.path === '/api/version') return sendJson(res, 200, { version: '0.6.4' });
    if (req.method === 'GET' && req.path === '/api/tags') {
      return sendJson(res, 200, {
        models: this.models.map((name) => ({
          name, model: name, modified_at: '2025-06-01T10:00:00Z', size: 1_929_912_432, digest: 'f'.repeat(64),
          details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '3.1B', quantization_level: 'Q4_K_M' },
        })),
      });
    }
    if (req.method === 'POST' && req.path === '/api/show') {
      const model = (req.body as { model?: string })?.model ?? '';
      if (!this.models.includes(model)) return sendJson(res, 404, { error: `model '${model}' not found` });
      return sendJson(res, 200, {
        modelfile: '', parameters: '', template: '{{ .Prompt }}', details: { format: 'gguf', family: 'qwen2', parameter_size: '3.1B', quantization_level: 'Q4_K_M' },
        model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': this.options.contextLength ?? 32768 },
        capabilities: ['completion'],
      });
    }
    if (req.method === 'POST' && req.path === '/api/pull') return this.pull(ctx);
    if (req.method === 'POST' && req.path === '/api/chat') return this.chatRoute(ctx);
    sendJson(res, 404, { error: 'page not found' });
  }

  private async pull(ctx: RouteContext): Promise<void> {
    // The client sends `name` (older field) or `model`; Ollama accepts both.
    const b = ctx.req.body as { model?: string; name?: string } | undefined;
    const model = b?.model ?? b?.name ?? '';
    if (this.options.pullError) return sendJson(ctx.res, 500, { error: this.options.pullError });
    ctx.res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const total = 1000;
    const lines = [
      { status: 'pulling manifest' },
      { status: 'pulling abc123', digest: 'sha256:abc123', total, completed: 0 },
      { status: 'pulling abc123', digest: 'sha256:abc123', total, completed: 500 },
      { status: 'pulling abc123', digest: 'sha256:abc123', total, completed: total },
      { status: 'verifying sha256 digest' },
      { status: 'writing manifest' },
      { status: 'success' },
    ];
    for (const line of lines) {
      if (!(await delay(5, ctx.clientGone))) return;
      ctx.res.write(JSON.stringify(line) + '\n');
    }
    if (!this.models.includes(model)) this.models.push(model);
    ctx.res.end();
  }

  private async chatRoute(ctx: RouteContext): Promise<void> {
    const { req, res, clientGone } = ctx;
    const body = req.body as OllamaChatBody;
    if (!this.models.includes(body.model)) {
      return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    }
    const release = this.slots ? await this.slots.acquire() : undefined;
    try {
      const script = await this.chat(body, req);
      if (script.delayMs && !(await delay(script.delayMs, clientGone))) return;
      if (script.hang) return await hang(clientGone);
      if (script.status && script.status >= 400) return sendJson(res, script.status, { error: script.error ?? 'server error' });
      if (script.raw !== undefined) {
        res.writeHead(200, { 'content-type': body.stream === false ? 'application/json; charset=utf-8' : 'application/x-ndjson' });
        res.end(script.raw);
        return;
      }
      await this.reply(body, script, res, clientGone);
    } finally {
      release?.();
    }
  }

  private async reply(body: OllamaChatBody, script: OllamaChatScript, res: ServerResponse, clientGone: AbortSignal): Promise<void> {
    const content = script.content ?? '';
    const prompt = script.promptEvalCount ?? promptTokensOf(body.messages);
    const completion = script.evalCount ?? completionTokensOf(content);
    const base = { model: body.model, created_at: new Date().toISOString() };
    const final = {
      ...base, done: true, done_reason: script.doneReason ?? 'stop',
      total_duration: 1_000_000, load_duration: 100_000, prompt_eval_count: prompt, prompt_eval_duration: 200_000,
      eval_count: completion, eval_duration: 700_000,
    };
    if (body.stream === false) {
      this.count(prompt, completion);
      return sendJson(res, 200, { ...final, message: { role: 'assistant', content } });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const pieces = content.match(/[\s\S]{1,16}/g) ?? [];
    for (let i = 0; i < pieces.length; i++) {
      if (script.dropAfterPieces !== undefined && i >= script.dropAfterPieces) {
        res.destroy();
        return;
      }
      if (clientGone.aborted) return;
      res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: pieces[i] }, done: false }) + '\n');
      await delay(0, clientGone);
    }
    this.count(prompt, completion);
    res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: '' } }) + '\n');
  }

  private count(prompt: number, completion: number): void {
    this.reported.requests++;
    this.reported.promptTokens += prompt;
    this.reported.completionTokens += completion;
  }
}
