import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteModelFor } from '../../../src/core/llm/factory';
import { MinionsError } from '../../../src/core/errors';

test('local-only runs get a stand-in remote without a key; it refuses calls with the key error', async () => {
  const remote = createRemoteModelFor('local', { model: 'gpt-4o', apiKey: '' });
  assert.equal(remote.model, 'gpt-4o');
  await assert.rejects(remote.chat({ messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) =>
    err instanceof MinionsError && err.code === 'remote-key-missing');
});

test('every other protocol still needs the key', () => {
  for (const protocol of ['minions', 'minion', 'remote'] as const) {
    assert.throws(() => createRemoteModelFor(protocol, { model: 'gpt-4o', apiKey: '' }),
      (err: unknown) => err instanceof MinionsError && err.code === 'remote-key-missing', protocol);
  }
});
