import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../src/shared/messages';

test('parseWebviewMessage accepts well-formed messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'ask', question: 'where?' }), { type: 'ask', question: 'where?' });
  assert.deepEqual(parseWebviewMessage({ type: 'open-citation', path: 'a.ts', startLine: 2, endLine: 3 }), {
    type: 'open-citation', path: 'a.ts', startLine: 2, endLine: 3,
  });
});

test('parseWebviewMessage refuses malformed messages', () => {
  for (const bad of [null, 1, 'ask', {}, { type: 'nope' }, { type: 'ask' }, { type: 'ask', question: '  ' },
    { type: 'open-citation', path: 'a.ts', startLine: 0, endLine: 1 },
    { type: 'open-citation', path: 'a.ts', startLine: 5, endLine: 1 },
    { type: 'open-citation', path: 7, startLine: 1, endLine: 1 }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});
