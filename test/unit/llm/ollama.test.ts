import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOllama } from '../../support/fake-ollama';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { createLocalModel, listLocalModels, pullLocalModel, localModelContext } from '../../../src/core/llm/factory';
import { MinionsError } from '../../../src/core/errors';

const SCHEMA = { name: 'job', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } };

describe('Ollama client', () => {
  const servers: FakeOllama[] = [];
  const start = async (o: Parameters<typeof FakeOllama.start>[0] = {}) => {
    const s = await FakeOllama.start(o);
    servers.push(s);
    return s;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('sends the schema as format, a num_ctx sized to the prompt, keep_alive; reads usage', async () => {
    const fake = await start({ chat: () => ({ content: '{"ok":true}', promptEvalCount: 321, evalCount: 7 }) });
    const model = await createLocalModel({ provider: 'ollama', url: fake.url, model: 'qwen2.5-coder:3b', keepAlive: '10m' });
    const result = await model.chat({ messages: [{ role: 'user', content: 'x'.repeat(40_000) }], schema: SCHEMA, temperature: 0.1, maxTokens: 256 });
    assert.equal(result.content, '{"ok":true}');
    assert.deepEqual(result.usage, { promptTokens: 321, completionTokens: 7 });
    assert.equal(result.finishReason, 'stop');
    const body = fake.chatBodies()[0]!;
    assert.deepEqual(body.format, SCHEMA.schema);
    assert.equal(body.stream, false);
    assert.equal(body.keep_alive, '10m');
    assert.equal(body.options?.temperature, 0.1);
    assert.equal(body.options?.num_predict, 256);
    // 40k 'x' are ~5k o200k tokens; the window must hold them plus the answer, never the 2048 default.
    assert.ok(body.options!.num_ctx! >= 6000 && body.options!.num_ctx! % 1024 === 0, `num_ctx ${body.options!.num_ctx}`);
    // 321 reported of ~5000 sent: the server cut the prompt.
    assert.ok(result.promptTruncated && result.promptTruncated.reportedTokens === 321);
  });

  test('streams deltas over NDJSON and reads the final counts', async () => {
    const fake = await start({ chat: () => ({ content: 'hello streaming world, in pieces', promptEvalCount: 12, evalCount: 9 }) });
    const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b' });
    const deltas: string[] = [];
    const result = await model.chat({ messages: [{ role: 'user', content: 'hi' }], onDelta: (d) => deltas.push(d) });
    assert.equal(result.content, 'hello streaming world, in pieces');
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(''), result.content);
    assert.deepEqual(result.usage, { promptTokens: 12, completionTokens: 9 });
    assert.equal(result.promptTruncated, undefined);
  });

  test('a model that is not installed is local-model-missing with the pull command', async () => {
    const fake = await start({ models: ['llama3.2:3b'] });
    const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b' });
    await assert.rejects(model.chat({ messages: [{ role: 'user', content: 'hi' }] }), (err: MinionsError) => {
      assert.equal(err.code, 'local-model-missing');
      assert.match(err.toUserString(), /ollama pull qwen2\.5-coder:3b/);
      return true;
    });
    assert.equal(fake.chatBodies().length, 1, 'a missing model is not retried');
  });

  test('Ollama down: local-unreachable naming the URL and `ollama serve`, fast', async () => {
    const fake = await start();
    const url = fake.url;
    await fake.close();
    const model = new OllamaModel({ url, model: 'qwen2.5-coder:3b' });
    const t0 = Date.now();
    await assert.rejects(model.chat({ messages: [{ role: 'user', content: 'hi' }] }), (err: MinionsError) => {
      assert.equal(err.code, 'local-unreachable');
      assert.ok(err.message.includes(url));
      assert.match(err.hint ?? '', /ollama serve/);
      return true;
    });
    assert.ok(Date.now() - t0 < 2000);
  });

  test('a hung server times out per request (retried, then local-timeout), leaving no request open', async () => {
    const fake = await start({ chat: () => ({ hang: true }) });
    const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b', timeoutMs: 150, retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 1000 } });
    await assert.rejects(model.chat({ messages: [{ role: 'user', content: 'hi' }] }), (err: MinionsError) => err.code === 'local-timeout');
    assert.equal(fake.chatBodies().length, 2);
    await fake.server.waitUntilNoOpenRequests(1000);
  });

  test('cancelling a non-streaming request closes its connection within a second', async () => {
    const fake = await start({ chat: () => ({ hang: true }) });
    const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b' });
    const ac = new AbortController();
    const p = model.chat({ messages: [{ role: 'user', content: 'hi' }], signal: ac.signal });
    while (fake.server.openRequests().length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(p, (err: MinionsError) => err.code === 'cancelled');
    await fake.server.waitUntilNoOpenRequests(1000);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(fake.requests[0]!.abortedByClient, true);
  });

  test('500 (model unloaded) is retried and then succeeds', async () => {
    let n = 0;
    const fake = await start({ chat: () => (n++ === 0 ? { status: 500, error: 'llama runner process has terminated' } : { content: 'fine' }) });
    const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b', retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 100 } });
    const r = await model.chat({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.content, 'fine');
    assert.equal(fake.chatBodies().length, 2);
  });

  test('a `length` stop is reported as such', async () => {
    const fake = await start({ chat: () => ({ content: '{"ok":', doneReason: 'length' }) });
    const r = await new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b' }).chat({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.finishReason, 'length');
  });

  test('list, show and pull with progress', async () => {
    const fake = await start({ models: ['llama3.2:3b'], contextLength: 131072 });
    assert.deepEqual((await listLocalModels(fake.url)).map((m) => m.name), ['llama3.2:3b']);
    assert.equal(await localModelContext(fake.url, 'llama3.2:3b'), 131072);
    const progress: { status: string; completed?: number }[] = [];
    await pullLocalModel(fake.url, 'qwen2.5-coder:3b', (p) => progress.push(p));
    assert.equal(progress.at(-1)!.status, 'success');
    assert.ok(progress.some((p) => p.completed === 500));
    assert.ok((await listLocalModels(fake.url)).some((m) => m.name === 'qwen2.5-coder:3b'));
    const downUrl = fake.url;
    await fake.close();
    await assert.rejects(listLocalModels(downUrl), (e: MinionsError) => e.code === 'local-unreachable');
  });
});

describe('Ollama truncation check', () => {
  test('a cached system prefix is not mistaken for truncation; a cut last message is', async () => {
    const fake = await FakeOllama.start({ chat: () => ({ content: 'ok', promptEvalCount: 1300 }) });
    try {
      const model = new OllamaModel({ url: fake.url, model: 'qwen2.5-coder:3b' });
      // ~5000-token system prompt (cached by the server), ~1250-token question: 1300 evaluated is plausible.
      const cached = await model.chat({ messages: [{ role: 'system', content: 'rule. '.repeat(2500) }, { role: 'user', content: 'word '.repeat(1250) }] });
      assert.equal(cached.promptTruncated, undefined);
      fake.chat = () => ({ content: 'ok', promptEvalCount: 300 });
      const cut = await model.chat({ messages: [{ role: 'system', content: 'short' }, { role: 'user', content: 'word '.repeat(1250) }] });
      assert.equal(cut.promptTruncated?.reportedTokens, 300);
    } finally {
      await fake.close();
    }
  });
});
