import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstJsonObject, parseJsonAnswer, chatJson } from '../../../src/core/llm/structured';
import type { ChatModel, ChatRequest, ChatResult } from '../../../src/core/llm/types';
import { MinionsError } from '../../../src/core/errors';
import { tokenizerFor, countText } from '../../../src/core/llm/tokens';
import { parseRetryAfter, withRetries, backoffDelay } from '../../../src/core/llm/retry';

const SCHEMA = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], additionalProperties: false };

test('firstJsonObject finds a balanced object around prose, fences and braces in strings', () => {
  assert.equal(firstJsonObject('Sure! {"a": "}{", "b": {"c": 1}} trailing {"x":1}'), '{"a": "}{", "b": {"c": 1}}');
  assert.equal(firstJsonObject('{"a": "esc \\" }"}'), '{"a": "esc \\" }"}');
  assert.equal(firstJsonObject('{"truncated": '), undefined);
  assert.equal(firstJsonObject('no json'), undefined);
});

test('parseJsonAnswer strips fences, validates and explains failures', () => {
  assert.deepEqual(parseJsonAnswer('```json\n{"a": 3}\n```', SCHEMA), { ok: true, value: { a: 3 } });
  const bad = parseJsonAnswer('{"a": "three"}', SCHEMA);
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : '', /\/a must be integer/);
  assert.match((parseJsonAnswer('', SCHEMA) as { error: string }).error, /empty/);
  assert.match((parseJsonAnswer('{"a": 1,}', SCHEMA) as { error: string }).error, /not valid/);
});

function scripted(replies: Partial<ChatResult>[], seen: ChatRequest[] = []): ChatModel {
  return {
    role: 'local', provider: 'test', model: 'm',
    chat: async (req) => {
      seen.push(req);
      const r = replies.shift()!;
      return { content: '', usage: { promptTokens: 10, completionTokens: 2 }, finishReason: 'stop', model: 'm', ms: 1, ...r };
    },
  };
}

test('chatJson repairs once showing the error, records every call, then fails typed', async () => {
  const seen: ChatRequest[] = [];
  const calls: boolean[] = [];
  const ok = await chatJson<{ a: number }>(scripted([{ content: 'oops' }, { content: '{"a":1}' }], seen), { messages: [{ role: 'user', content: 'q' }], schema: { name: 's', schema: SCHEMA } }, { onCall: (c) => calls.push(c.ok) });
  assert.deepEqual(ok.value, { a: 1 });
  assert.deepEqual(calls, [false, true]);
  assert.match(seen[1]!.messages.at(-1)!.content, /no JSON object/);
  await assert.rejects(chatJson(scripted([{ content: 'x' }, { content: 'y' }]), { messages: [], schema: { name: 's', schema: SCHEMA } }), (e: MinionsError) => e.code === 'local-bad-output');
  // a `length` stop is repaired like bad JSON; a refusal and a truncated prompt are not retried
  const lengthFirst = await chatJson(scripted([{ content: '{"a":', finishReason: 'length' }, { content: '{"a":2}' }]), { messages: [], schema: { name: 's', schema: SCHEMA } });
  assert.deepEqual(lengthFirst.value, { a: 2 });
  const refusal = scripted([{ content: '', finishReason: 'refusal' }]);
  await assert.rejects(chatJson({ ...refusal, role: 'remote' }, { messages: [], schema: { name: 's', schema: SCHEMA } }), (e: MinionsError) => e.code === 'remote-refused');
  await assert.rejects(chatJson(scripted([{ content: '{"a":1}', promptTruncated: { reportedTokens: 100, expectedTokens: 5000 } }]), { messages: [], schema: { name: 's', schema: SCHEMA } }),
    (e: MinionsError) => e.code === 'local-truncated' && /numCtx/.test(e.hint ?? ''));
});

test('tokenizers: o200k for current OpenAI families, labelled estimates for others', () => {
  assert.equal(tokenizerFor('gpt-4.1-mini').name, 'o200k_base');
  assert.equal(tokenizerFor('o4-mini').exact, true);
  assert.equal(tokenizerFor('gpt-4-turbo').exact, false);
  assert.equal(tokenizerFor('anthropic/claude-sonnet-4').exact, false);
  assert.equal(countText('hello world'), 2);
});

test('retry-after: seconds, ms and HTTP dates; retries are bounded and honour it', async () => {
  const h = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
  assert.equal(parseRetryAfter(h({ 'retry-after': '2' })), 2000);
  assert.equal(parseRetryAfter(h({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
  assert.equal(parseRetryAfter(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6000);
  assert.equal(parseRetryAfter(h({})), undefined);
  assert.ok(backoffDelay(10, { retries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 1 }) <= 8000);
  let n = 0;
  const err = new MinionsError('remote-rate-limited', 'limited');
  await assert.rejects(withRetries(async () => { n++; throw err; }, () => ({ error: err, retryable: true, retryAfterMs: 1 }), { retries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 100 }), err);
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(withRetries(async () => { n++; throw err; }, () => ({ error: err, retryable: true, retryAfterMs: 3_600_000 }), { retries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 100 }), err);
  assert.equal(n, 1, 'an hour-long retry-after is not waited out');
});
