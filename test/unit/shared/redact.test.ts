// The one redactor: the log's lines and the panel's stored and exported runs go through it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redactDeep, redactSecrets } from '../../../src/shared/redact';
import type { RunEvent } from '../../../src/core/protocol/events';

test('redact removes held keys and key-shaped strings', () => {
  const key = 'my-secret-key-123456';
  assert.equal(redactSecrets(`failed with ${key} twice ${key}`, [key]), 'failed with [redacted] twice [redacted]');
  assert.equal(redactSecrets('Authorization: Bearer abcdefghijklmnopqrstuvwxyz', []), 'Authorization: Bearer [redacted]');
  assert.equal(redactSecrets('key sk-proj-ABCDEFGHIJKLMNOPQRSTUV', []), 'key sk-[redacted]');
  assert.equal(redactSecrets('short', ['abc', undefined]), 'short');
});

describe('redaction', () => {
  test('known secrets and key-shaped strings are replaced', () => {
    const key = 'sk-test-0123456789abcdefXYZ';
    const text = `401: Incorrect API key provided: ${key}. Authorization: Bearer abcdefghijklmnop; custom=my-own-secret-value`;
    const out = redactSecrets(text, ['my-own-secret-value']);
    assert.ok(!out.includes(key) && !out.includes('abcdefghijklmnop') && !out.includes('my-own-secret-value'), out);
    assert.match(out, /Bearer \[redacted\]/);
  });

  test('redactDeep reaches every string of an event list', () => {
    const events: RunEvent[] = [{ type: 'error', fatal: true, error: { code: 'remote-key-rejected', message: 'key sk-abcdefghijklmnopqrstu refused', hint: 'Set key topsecret42' } }];
    const out = JSON.stringify(redactDeep(events, ['topsecret42']));
    assert.ok(!out.includes('sk-abcdefghijklmnopqrstu') && !out.includes('topsecret42'), out);
  });
});
