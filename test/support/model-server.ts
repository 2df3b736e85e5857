// An HTTP server on 127.0.0.1 that speaks Ollama's native API, backed by real inference: the
// embedded llama.cpp provider running a GGUF model. Tests, the benchmark, the demo and the
// extension's e2e test point the real `ollama` client (and the engine's OllamaModel) at it.
//   POST /api/chat      NDJSON stream (default) or one object with "stream": false; `format` is a
//                       JSON schema or "json" (grammar-enforced); options.num_predict / temperature /
//                       num_ctx; prompt_eval_count, eval_count, durations, done_reason
//   GET  /api/tags      the one model     POST /api/show   its details and context length
//   GET  /api/version
// It also answers OpenAI's `POST /v1/chat/completions` (stream or not, response_format json_schema /
// json_object, usage) and `GET /v1/models`, so the same model can stand in as the remote when no
// remote key is configured. A client that goes away aborts its generation.
//
// Standalone: node --import tsx test/support/model-server.ts --model FILE [--port N] [--name NAME]
//             [--parallel N] [--ctx N] [--threads N]      (prints "listening on URL", Ctrl-C stops it)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEmbeddedModel, type EmbeddedModel, type EmbeddedModelOptions } from '../../src/core/llm/embedded';
import { loadNodeLlamaCpp } from '../../src/core/llm/embedded-runtime';
import { MinionsError } from '../../src/core/errors';
import type { ChatMessage, ChatRequest, ChatResult, JsonSchema } from '../../src/core/llm/types';

export interface ModelServerOptions extends EmbeddedModelOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** An already loaded model to serve (then modelPath only names it); the server does not dispose it. */
  model?: EmbeddedModel;
}

interface ModelFacts {
  name: string;
  sizeBytes: number;
  architecture: string;
  parameterSize: string;
  quantization: string;
  trainedContext: number;
}

const NS_PER_MS = 1_000_000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : {};
}

async function modelFacts(modelPath: string, name: string, contextTokens: number): Promise<ModelFacts> {
  const nlc = await loadNodeLlamaCpp();
  const { metadata } = await nlc.readGgufFileInfo(modelPath);
  const arch = metadata.general?.architecture ?? 'unknown';
  const archInfo = (metadata[arch] ?? {}) as { context_length?: number };
  const label = metadata.general?.size_label ?? (/(\d+(?:\.\d+)?[mb])/i.exec(metadata.general?.name ?? '')?.[1]?.toUpperCase() ?? '');
  const quant = /(q\d_k_[sml]|q\d_\d|f16|bf16)/i.exec(modelPath)?.[1]?.toUpperCase() ?? '';
  return { name, sizeBytes: statSync(modelPath).size, architecture: arch, parameterSize: label, quantization: quant, trainedContext: archInfo.context_length ?? contextTokens };
}

/** Ollama's `format`: "json" means any JSON, an object is a JSON schema. */
function schemaOfFormat(format: unknown): { name: string; schema: JsonSchema } | undefined {
  if (format === 'json') return { name: 'json', schema: {} };
  if (format && typeof format === 'object') return { name: 'format', schema: format as JsonSchema };
  return undefined;
}

/** OpenAI's response_format. */
function schemaOfResponseFormat(rf: unknown): { name: string; schema: JsonSchema } | undefined {
  const f = rf as { type?: string; json_schema?: { name?: string; schema?: JsonSchema } } | undefined;
  if (f?.type === 'json_schema' && f.json_schema?.schema) return { name: f.json_schema.name ?? 'schema', schema: f.json_schema.schema };
  if (f?.type === 'json_object') return { name: 'json', schema: {} };
  return undefined;
}

function validMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw new MinionsError('bad-input', 'messages must be a non-empty array');
  return messages.map((m: { role?: unknown; content?: unknown }) => {
    if ((m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') || typeof m.content !== 'string') {
      throw new MinionsError('bad-input', 'each message needs a role (system, user or assistant) and a string content');
    }
    return { role: m.role, content: m.content };
  });
}

export class ModelServer {
  /** Requests served per route, for tests. */
  readonly served: Record<string, number> = {};
  /** Generations running now (a test checks that a client going away stops one). */
  active = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly model: EmbeddedModel,
    readonly facts: ModelFacts,
    private readonly ownsModel: boolean,
  ) {}

  static async start(options: ModelServerOptions): Promise<ModelServer> {
    const model = options.model ?? await createEmbeddedModel(options);
    const facts = await modelFacts(options.modelPath, options.name ?? model.model, model.contextTokens);
    let self: ModelServer | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    server.on('connection', (s) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
      });
    } catch (err) {
      if (!options.model) await model.dispose();
      throw err;
    }
    const { port } = server.address() as AddressInfo;
    self = new ModelServer(server, `http://127.0.0.1:${port}`, model, facts, !options.model);
    return self;
  }

  /** Stops listening, drops open connections (aborting their generations) and frees the model it loaded. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownsModel) await this.model.dispose();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = `${req.method} ${path}`;
    this.served[route] = (this.served[route] ?? 0) + 1;
    // Fires when the client goes away before the answer is complete: generation stops.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    try {
      const body = req.method === 'POST' ? await readBody(req) : {};
      switch (route) {
        case 'GET /api/version': return sendJson(res, 200, { version: '0.6.4' });
        case 'GET /api/tags': return sendJson(res, 200, { models: [this.tag()] });
        case 'POST /api/show': return this.show(res, body as { model?: string; name?: string });
        case 'POST /api/chat': return await this.ollamaChat(res, body as Record<string, unknown>, gone.signal);
        case 'GET /v1/models': return sendJson(res, 200, { object: 'list', data: [{ id: this.facts.name, object: 'model', created: 0, owned_by: 'minions-model-server' }] });
        case 'POST /v1/chat/completions': return await this.openaiChat(res, body as Record<string, unknown>, gone.signal);
        default: return sendJson(res, 404, { error: `no route ${route}` });
      }
    } catch (err) {
      if (gone.signal.aborted || res.writableEnded) return;
      const e = err instanceof MinionsError ? err : new MinionsError('internal', (err as Error).message);
      const status = e.code === 'bad-input' || e.code === 'context-too-long' || err instanceof SyntaxError ? 400 : 500;
      if (res.headersSent) {
        // Mid-stream: Ollama sends the error as a last NDJSON line.
        res.end(JSON.stringify({ error: e.message }) + '\n');
      } else {
        sendJson(res, status, path.startsWith('/v1/') ? { error: { message: e.message, type: 'invalid_request_error', code: e.code } } : { error: e.message });
      }
    }
  }

  private tag() {
    const f = this.facts;
    return {
      name: f.name, model: f.name, modified_at: new Date(0).toISOString(), size: f.sizeBytes, digest: '',
      details: { parent_model: '', format: 'gguf', family: f.architecture, families: [f.architecture], parameter_size: f.parameterSize, quantization_level: f.quantization },
    };
  }

  private show(res: ServerResponse, body: { model?: string; name?: string }): void {
    const asked = body.model ?? body.name;
    if (asked !== this.facts.name) return sendJson(res, 404, { error: `model '${asked}' not found` });
    const f = this.facts;
    sendJson(res, 200, {
      modelfile: '', parameters: '', template: this.model.chatTemplate, details: this.tag().details,
      model_info: { 'general.architecture': f.architecture, [`${f.architecture}.context_length`]: this.model.contextTokens },
      capabilities: ['completion'],
    });
  }

  private async generate(request: ChatRequest): Promise<ChatResult> {
    this.active++;
    try {
      return await this.model.chat(request);
    } finally {
      this.active--;
    }
  }

  private async ollamaChat(res: ServerResponse, body: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    if (body.model !== this.facts.name) return sendJson(res, 404, { error: `model '${String(body.model)}' not found, try pulling it first` });
    const options = (body.options ?? {}) as { num_predict?: number; temperature?: number; num_ctx?: number };
    const schema = schemaOfFormat(body.format);
    const request: ChatRequest = {
      messages: validMessages(body.messages),
      ...(schema ? { schema } : {}),
      ...(typeof options.num_predict === 'number' && options.num_predict > 0 ? { maxTokens: options.num_predict } : {}),
      ...(typeof options.temperature === 'number' ? { temperature: options.temperature } : {}),
      signal,
    };
    const stream = body.stream !== false;
    const started = process.hrtime.bigint();
    const stamp = () => new Date().toISOString();
    if (stream) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      request.onDelta = (text) => {
        res.write(JSON.stringify({ model: this.facts.name, created_at: stamp(), message: { role: 'assistant', content: text }, done: false }) + '\n');
      };
    }
    const result = await this.generate(request);
    const total = Number(process.hrtime.bigint() - started);
    const final = {
      model: this.facts.name, created_at: stamp(),
      message: { role: 'assistant', content: stream ? '' : result.content },
      done: true, done_reason: result.finishReason === 'length' ? 'length' : 'stop',
      total_duration: total, load_duration: 0,
      prompt_eval_count: result.usage.promptTokens, prompt_eval_duration: 0,
      eval_count: result.usage.completionTokens, eval_duration: result.ms * NS_PER_MS,
    };
    if (stream) res.end(JSON.stringify(final) + '\n');
    else sendJson(res, 200, final);
  }

  private async openaiChat(res: ServerResponse, body: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    if (body.model !== this.facts.name) {
      return sendJson(res, 404, { error: { message: `The model \`${String(body.model)}\` does not exist`, type: 'invalid_request_error', code: 'model_not_found' } });
    }
    const schema = schemaOfResponseFormat(body.response_format);
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
    const request: ChatRequest = {
      messages: validMessages(body.messages),
      ...(schema ? { schema } : {}),
      ...(typeof maxTokens === 'number' && maxTokens > 0 ? { maxTokens } : {}),
      ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
      signal,
    };
    const id = `chatcmpl-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = (r: ChatResult) => (r.finishReason === 'length' ? 'length' : 'stop');
    const usage = (r: ChatResult) => ({ prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens, total_tokens: r.usage.promptTokens + r.usage.completionTokens });
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
      const chunk = (delta: object, finishReason: string | null) => ({ id, object: 'chat.completion.chunk', created, model: this.facts.name, choices: [{ index: 0, delta, finish_reason: finishReason }] });
      send(chunk({ role: 'assistant', content: '' }, null));
      request.onDelta = (text) => send(chunk({ content: text }, null));
      const r = await this.generate(request);
      send(chunk({}, finish(r)));
      if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
        send({ id, object: 'chat.completion.chunk', created, model: this.facts.name, choices: [], usage: usage(r) });
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    const r = await this.generate(request);
    sendJson(res, 200, {
      id, object: 'chat.completion', created, model: this.facts.name,
      choices: [{ index: 0, message: { role: 'assistant', content: r.content, refusal: null }, finish_reason: finish(r), logprobs: null }],
      usage: usage(r),
    });
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' }, port: { type: 'string' }, name: { type: 'string' },
      parallel: { type: 'string' }, ctx: { type: 'string' }, threads: { type: 'string' },
    },
  });
  if (!values.model) throw new MinionsError('bad-input', 'No model file given', 'Pass --model FILE.gguf (node scripts/provision-model.mjs prints one)');
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const server = await ModelServer.start({
    modelPath: values.model,
    ...(values.name ? { name: values.name } : {}),
    ...(values.port ? { port: num(values.port)! } : {}),
    ...(values.parallel ? { parallel: num(values.parallel)! } : {}),
    ...(values.ctx ? { contextTokens: num(values.ctx)! } : {}),
    ...(values.threads ? { threads: num(values.threads)! } : {}),
  });
  process.stdout.write(`listening on ${server.url} model=${server.facts.name} parallel=${server.model.parallel} ctx=${server.model.contextTokens} template=${server.model.chatTemplate}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    const e = err instanceof MinionsError ? err.toUserString() : String((err as Error)?.stack ?? err);
    process.stderr.write(`model-server: ${e}\n`);
    process.exit(1);
  });
}
