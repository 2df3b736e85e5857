// The model-backed Ollama server through the real clients: the `ollama` package and the engine's
// OllamaModel on /api/*, the `openai` package on /v1/*. Every answer here is real inference.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { ModelServer } from '../../support/model-server';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { localModelContext, listLocalModels } from '../../../src/core/llm/factory';
import { JOB_SCHEMA } from '../../../src/core/protocol/schemas';
import { parseJsonAnswer } from '../../../src/core/llm/structured';
import { MinionsError } from '../../../src/core/errors';
import { MODEL_PATH, SKIP_REASON, TEST_PARALLEL } from './model';

const NAME = 'gemma3:270m';
const JOB = {
  messages: [
    { role: 'system', content: 'You read code and answer with JSON.' },
    { role: 'user', content: 'Task: find the default port.\n\nsrc/server.ts lines 1-3:\n1 const PORT = Number(process.env.PORT ?? 8080);\n2 app.listen(PORT);\n3 export {};\n\nReply with the JSON object.' },
  ],
};

describe('model-backed Ollama server', { skip: SKIP_REASON }, () => {
  let server: ModelServer;
  let client: Ollama;
  before(async () => {
    server = await ModelServer.start({ modelPath: MODEL_PATH, name: NAME, parallel: TEST_PARALLEL, contextTokens: 4096 });
    client = new Ollama({ host: server.url });
  });
  after(async () => {
    await server?.close();
  });

  test('version, tags and show describe the real model', async () => {
    assert.match((await client.version()).version, /^\d+\.\d+\.\d+/);
    const { models } = await client.list();
    assert.equal(models.length, 1);
    assert.equal(models[0]!.name, NAME);
    assert.equal(models[0]!.size, 253_113_024);
    assert.equal(models[0]!.details.family, 'gemma3');
    assert.equal(models[0]!.details.quantization_level, 'Q4_K_M');
    const shown = await client.show({ model: NAME });
    assert.equal(shown.details.format, 'gguf');
    // The engine's own readers of these routes.
    assert.equal(await localModelContext(server.url, NAME), 4096);
    assert.deepEqual((await listLocalModels(server.url)).map((m) => m.name), [NAME]);
  });

  test('chat without streaming: format schema enforced, counts and done_reason reported', async () => {
    const res = await client.chat({ model: NAME, ...JOB, format: JOB_SCHEMA.schema, stream: false, options: { num_predict: 120, temperature: 0, num_ctx: 4096 } });
    const parsed = parseJsonAnswer(res.message.content, JOB_SCHEMA.schema);
    assert.ok(parsed.ok, res.message.content);
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.ok(res.prompt_eval_count > 30 && res.prompt_eval_count < 400, `prompt_eval_count ${res.prompt_eval_count}`);
    assert.ok(res.eval_count > 5 && res.eval_count <= 120, `eval_count ${res.eval_count}`);
    assert.ok(res.total_duration > 0 && res.eval_duration > 0);
  });

  test('chat streaming: NDJSON pieces add up, the last one carries the counts', async () => {
    const stream = await client.chat({ model: NAME, messages: [{ role: 'user', content: 'Name three fruits.' }], stream: true, options: { num_predict: 20 } });
    let text = '';
    let pieces = 0;
    let last;
    for await (const part of stream) {
      text += part.message.content;
      pieces++;
      last = part;
    }
    assert.ok(pieces > 2);
    assert.ok(text.length > 0);
    assert.equal(last?.done, true);
    assert.equal(last?.eval_count, 20);
    assert.equal(last?.done_reason, 'length');
  });

  test('format "json" gives parseable JSON', async () => {
    const res = await client.chat({ model: NAME, messages: [{ role: 'user', content: 'A JSON object describing a cat.' }], format: 'json', stream: false, options: { num_predict: 80 } });
    assert.equal(typeof JSON.parse(res.message.content), 'object', res.message.content);
  });

  test('an unknown model is a 404 the ollama client raises', async () => {
    await assert.rejects(client.chat({ model: 'nope:1b', messages: [{ role: 'user', content: 'hi' }], stream: false }), (err: Error & { status_code?: number }) => {
      assert.equal(err.status_code, 404);
      assert.match(err.message, /not found/);
      return true;
    });
  });

  test("the engine's OllamaModel gets schema-valid jobs with reported usage", async () => {
    const local = new OllamaModel({ url: server.url, model: NAME, timeoutMs: 120_000 });
    const r = await local.chat({ messages: JOB.messages as never, schema: JOB_SCHEMA, temperature: 0, maxTokens: 150 });
    assert.ok(parseJsonAnswer(r.content, JOB_SCHEMA.schema).ok, r.content);
    assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
    assert.equal(r.model, NAME);
    assert.equal(r.promptTruncated, undefined);
  });

  test('a client that cancels stops the generation on the server', async () => {
    const local = new OllamaModel({ url: server.url, model: NAME, timeoutMs: 120_000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = local.chat({
      messages: [{ role: 'user', content: 'Write a very long story about a lighthouse keeper.' }], maxTokens: 4000, signal: controller.signal,
      onDelta: () => { if (Date.now() - started > 300) controller.abort(); },
    });
    await assert.rejects(pending, (err: unknown) => err instanceof MinionsError && err.code === 'cancelled');
    // The server notices the closed connection and its sequence goes back to the pool.
    for (let i = 0; i < 100 && server.active > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.active, 0, 'generation still running after the client went away');
    const again = await client.chat({ model: NAME, messages: [{ role: 'user', content: 'Say ok.' }], stream: false, options: { num_predict: 4 } });
    assert.equal(again.done, true);
  });

  test('OpenAI-compatible route: json_schema response_format, usage, streaming with include_usage', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'local-stand-in', maxRetries: 0 });
    const models = await openai.models.list();
    assert.deepEqual(models.data.map((m) => m.id), [NAME]);
    const res = await openai.chat.completions.create({
      model: NAME, messages: JOB.messages as never, max_tokens: 120, temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: JOB_SCHEMA.name, schema: JOB_SCHEMA.schema, strict: true } },
    });
    assert.ok(parseJsonAnswer(res.choices[0]!.message.content ?? '', JOB_SCHEMA.schema).ok, res.choices[0]!.message.content ?? '');
    assert.equal(res.choices[0]!.finish_reason, 'stop');
    assert.ok((res.usage?.prompt_tokens ?? 0) > 0 && (res.usage?.completion_tokens ?? 0) > 0);
    const stream = await openai.chat.completions.create({ model: NAME, messages: [{ role: 'user', content: 'Count to five.' }], max_tokens: 10, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(text.length > 0);
    assert.equal(usage?.completion_tokens, 10);
  });
});
