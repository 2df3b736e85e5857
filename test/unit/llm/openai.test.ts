import { REASONING_ROOM_TOKENS } from '../../../src/core/llm/reasoning';
import { describe, test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOpenAI } from '../../support/fake-openai';
import { OpenAICompatibleModel, resetLearnedQuirks } from '../../../src/core/llm/openai';
import { createRemoteModel, checkRemote } from '../../../src/core/llm/factory';
import { MinionsError } from '../../../src/core/errors';

const SCHEMA = { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } };
const FAST = { retries: 2, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 5000 };
const msgs = [{ role: 'user' as const, content: 'question' }];

describe('OpenAI-compatible client', () => {
  const servers: FakeOpenAI[] = [];
  const start = async (o: Parameters<typeof FakeOpenAI.start>[0] = {}) => {
    const s = await FakeOpenAI.start(o);
    servers.push(s);
    return s;
  };
  const remote = (fake: FakeOpenAI, extra: Partial<ConstructorParameters<typeof OpenAICompatibleModel>[0]> = {}) =>
    new OpenAICompatibleModel({ role: 'remote', url: fake.url, model: 'gpt-4o-mini', apiKey: fake.apiKey, retry: FAST, ...extra });
  beforeEach(() => resetLearnedQuirks());
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('strict json_schema, usage with cached tokens, no key in the body', async () => {
    const fake = await start({ chat: () => ({ content: '{"a":"x"}', usage: { prompt: 1000, completion: 20, cached: 640 } }) });
    const r = await remote(fake).chat({ messages: msgs, schema: SCHEMA, temperature: 0.2, maxTokens: 100 });
    assert.equal(r.content, '{"a":"x"}');
    assert.deepEqual(r.usage, { promptTokens: 1000, completionTokens: 20, cachedPromptTokens: 640 });
    const body = fake.chatBodies()[0]!;
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA.schema, strict: true } });
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 100);
    assert.ok(!fake.requests[0]!.rawBody.includes(fake.apiKey));
  });

  test('streams over SSE with include_usage', async () => {
    const fake = await start({ chat: () => ({ content: 'a streamed answer that is long enough', usage: { prompt: 50, completion: 9, cached: 10 } }) });
    const deltas: string[] = [];
    const r = await remote(fake).chat({ messages: msgs, onDelta: (d) => deltas.push(d) });
    assert.equal(deltas.join(''), 'a streamed answer that is long enough');
    assert.ok(deltas.length > 1);
    assert.deepEqual(r.usage, { promptTokens: 50, completionTokens: 9, cachedPromptTokens: 10 });
    assert.deepEqual(fake.chatBodies()[0]!.stream_options, { include_usage: true });
  });

  test('400 on response_format falls back to json_object, then prompt-only, and remembers it', async () => {
    const fake = await start({ rejectResponseFormat: ['json_schema', 'json_object'], chat: () => ({ content: '```json\n{"a":"y"}\n```' }) });
    const model = remote(fake);
    await model.chat({ messages: msgs, schema: SCHEMA });
    const kinds = fake.chatBodies().map((b) => b.response_format?.type ?? 'none');
    assert.deepEqual(kinds, ['json_schema', 'json_object', 'none']);
    assert.match(fake.chatBodies()[2]!.messages[0]!.content, /JSON schema named "answer"/);
    await model.chat({ messages: msgs, schema: SCHEMA });
    assert.equal(fake.chatBodies().length, 4, 'the fallback is remembered for the endpoint');
    assert.equal(fake.chatBodies()[3]!.response_format, undefined);
  });

  test('a model that rejects temperature is retried without it; reasoning models use max_completion_tokens', async () => {
    const fake = await start({ rejectTemperature: true, models: ['gpt-4o-mini', 'o4-mini'], chat: () => ({ content: 'ok' }) });
    await remote(fake).chat({ messages: msgs, temperature: 0.2 });
    assert.deepEqual(fake.chatBodies().map((b) => b.temperature), [0.2, undefined]);
    await remote(fake, { model: 'o4-mini' }).chat({ messages: msgs, temperature: 0.2, maxTokens: 50 });
    const last = fake.chatBodies().at(-1)!;
    assert.equal(last.temperature, undefined);
    // The limit covers hidden reasoning too, so it gets room beyond the visible answer.
    assert.equal(last.max_completion_tokens, 50 + REASONING_ROOM_TOKENS);
    assert.equal(last.max_tokens, undefined);
  });

  test('429 with retry-after waits as asked, then succeeds', async () => {
    let n = 0;
    const fake = await start({ chat: () => (n++ === 0 ? { status: 429, error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', code: 'rate_limit_exceeded' }, headers: { 'retry-after': '1' } } : { content: 'ok' }) });
    const t0 = Date.now();
    const r = await remote(fake).chat({ messages: msgs });
    const waited = fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt;
    assert.equal(r.content, 'ok');
    assert.ok(waited >= 950, `waited ${waited} ms`);
    assert.ok(Date.now() - t0 < 3000);
  });

  test('429 every time ends in remote-rate-limited after bounded retries; quota errors are not retried', async () => {
    const fake = await start({ chat: () => ({ status: 429, error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }) });
    await assert.rejects(remote(fake).chat({ messages: msgs }), (e: MinionsError) => e.code === 'remote-rate-limited' && /rate limit/i.test(e.toUserString()));
    assert.equal(fake.chatBodies().length, 3);
    fake.chat = () => ({ status: 429, error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } });
    await assert.rejects(remote(fake).chat({ messages: msgs }), (e: MinionsError) => e.code === 'remote-rate-limited' && /credit/.test(e.hint ?? ''));
    assert.equal(fake.chatBodies().length, 4);
  });

  test('a rejected key is remote-key-rejected, never retried, and the key is not in the message', async () => {
    const fake = await start();
    const model = new OpenAICompatibleModel({ role: 'remote', url: fake.url, model: 'gpt-4o-mini', apiKey: 'sk-wrong-secret-123', retry: FAST });
    await assert.rejects(model.chat({ messages: msgs }), (e: MinionsError) => {
      assert.equal(e.code, 'remote-key-rejected');
      assert.ok(!e.toUserString().includes('sk-wrong-secret-123'));
      assert.match(e.hint ?? '', /MINIONS_REMOTE_API_KEY/);
      return true;
    });
    assert.equal(fake.chatBodies().length, 1);
  });

  test('no key: remote-key-missing at construction; unknown model: remote-model-missing', async () => {
    assert.throws(() => createRemoteModel({ model: 'gpt-4o', apiKey: '' }), (e: MinionsError) => e.code === 'remote-key-missing' && !!e.hint);
    const fake = await start();
    await assert.rejects(remote(fake, { model: 'gpt-9' }).chat({ messages: msgs }), (e: MinionsError) => e.code === 'remote-model-missing');
    await assert.rejects(checkRemote({ url: fake.url, model: 'gpt-9', apiKey: fake.apiKey }), (e: MinionsError) => e.code === 'remote-model-missing');
    assert.deepEqual(await checkRemote({ url: fake.url, model: 'gpt-4o', apiKey: fake.apiKey }), { ok: true, modelListed: true });
    await assert.rejects(checkRemote({ url: fake.url, model: 'gpt-4o', apiKey: 'sk-bad' }), (e: MinionsError) => e.code === 'remote-key-rejected');
  });

  test('500 is retried; a refusal and an empty choice are reported, not crashed on', async () => {
    let n = 0;
    const fake = await start({ chat: () => (n++ === 0 ? { status: 500 } : { refusal: "I can't help with that." }) });
    const r = await remote(fake).chat({ messages: msgs });
    assert.equal(r.finishReason, 'refusal');
    fake.chat = () => ({ emptyChoices: true });
    const e = await remote(fake).chat({ messages: msgs });
    assert.equal(e.content, '');
    assert.equal(e.finishReason, 'other');
  });

  test('a slow stream is fine while bytes flow; a silent one times out; cancel closes the request', async () => {
    const fake = await start({ chat: () => ({ content: 'x'.repeat(64), chunkDelayMs: 60 }) });
    const r = await remote(fake, { timeoutMs: 200 }).chat({ messages: msgs, onDelta: () => {} });
    assert.equal(r.content.length, 64);
    fake.chat = () => ({ hang: true });
    await assert.rejects(remote(fake, { timeoutMs: 100, retry: { ...FAST, retries: 0 } }).chat({ messages: msgs }), (e: MinionsError) => e.code === 'remote-timeout');
    const ac = new AbortController();
    const p = remote(fake).chat({ messages: msgs, signal: ac.signal });
    while (fake.server.openRequests().length === 0) await new Promise((res) => setTimeout(res, 5));
    ac.abort();
    await assert.rejects(p, (e: MinionsError) => e.code === 'cancelled');
    await fake.server.waitUntilNoOpenRequests(1000);
  });

  test('server down: remote-unreachable naming the URL', async () => {
    const fake = await start();
    const url = fake.url;
    await fake.close();
    await assert.rejects(new OpenAICompatibleModel({ role: 'remote', url, model: 'gpt-4o-mini', apiKey: 'k', retry: FAST }).chat({ messages: msgs }),
      (e: MinionsError) => e.code === 'remote-unreachable' && e.message.includes(url));
  });
});
