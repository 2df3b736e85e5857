import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, isRunId } from '../../../src/shared/messages';

test('accepts each well-formed webview message, copying only its fields', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', viewingRunId: 'run-1' }), { type: 'ready', viewingRunId: 'run-1' });
  assert.deepEqual(parseWebviewMessage({ type: 'cancel', extra: 'dropped' }), { type: 'cancel' });
  assert.deepEqual(parseWebviewMessage({ type: 'ask', question: 'where?', evil: true }), { type: 'ask', question: 'where?' });
  assert.deepEqual(parseWebviewMessage({ type: 'open-citation', path: 'src/a.ts', startLine: 2, endLine: 3 }),
    { type: 'open-citation', path: 'src/a.ts', startLine: 2, endLine: 3 });
  for (const type of ['open-run', 'export-run', 'delete-run'] as const) {
    assert.deepEqual(parseWebviewMessage({ type, runId: 'm1a2b3-x_y.z' }), { type, runId: 'm1a2b3-x_y.z' });
  }
});

test('refuses malformed and unknown messages', () => {
  const bad: unknown[] = [
    null, undefined, 1, 'ask', [], [{ type: 'ready' }], {}, { type: 'nope' }, { type: 'ASK', question: 'x' },
    { type: 'ready', viewingRunId: '../../etc' },
    { type: 'ask' }, { type: 'ask', question: '  ' }, { type: 'ask', question: 42 }, { type: 'ask', question: 'x'.repeat(20_001) },
    { type: 'open-citation', path: 'a.ts', startLine: 0, endLine: 1 },
    { type: 'open-citation', path: 'a.ts', startLine: 5, endLine: 1 },
    { type: 'open-citation', path: 'a.ts', startLine: 1.5, endLine: 2 },
    { type: 'open-citation', path: 'a.ts', startLine: '1', endLine: 2 },
    { type: 'open-citation', path: 7, startLine: 1, endLine: 1 },
    { type: 'open-citation', path: '', startLine: 1, endLine: 1 },
    { type: 'open-citation', path: 'a\0.ts', startLine: 1, endLine: 1 },
    { type: 'open-citation', path: 'a'.repeat(5000), startLine: 1, endLine: 1 },
    { type: 'open-run' }, { type: 'open-run', runId: '' }, { type: 'export-run', runId: '..' },
    { type: 'delete-run', runId: 'a/b' }, { type: 'delete-run', runId: 'x'.repeat(129) },
  ];
  for (const value of bad) assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value));
});

test('run ids are safe file names', () => {
  assert.ok(isRunId('run-2026-11-21T09:00:00.000Z'));
  for (const v of ['', '.', '..', 'a/b', 'a\\b', 'a b', 1, null]) assert.equal(isRunId(v), false, String(v));
});
