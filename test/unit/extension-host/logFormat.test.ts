import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRunEvent } from '../../../src/extension/logFormat';
import type { LedgerSnapshot } from '../../../src/core/ledger/types';

const at = new Date('2026-01-01T10:20:30.456Z');
const ledger: LedgerSnapshot = {
  local: { requests: 4, promptTokens: 4000, completionTokens: 120 },
  remote: { requests: 2, promptTokens: 900, cachedPromptTokens: 100, completionTokens: 80, costUsd: 0.0031 },
  baseline: { remotePromptTokens: 20000, remoteCompletionTokens: 80, costUsd: 0.041 },
  savings: { costUsd: 0.0379, ratio: 13.2 },
};

test('a model call logs role, model, purpose, tokens and ms', () => {
  const line = formatRunEvent({ type: 'model-call', role: 'remote', model: 'gpt-4.1', purpose: 'plan',
    usage: { promptTokens: 812, completionTokens: 64, cachedPromptTokens: 512 }, ms: 1234.6, ok: true }, at);
  assert.equal(line, '10:20:30.456 [remote] gpt-4.1 plan 812 in (512 cached) / 64 out tok 1235 ms ok');
  const failed = formatRunEvent({ type: 'model-call', role: 'local', model: 'qwen', purpose: 'job', usage: { promptTokens: 0, completionTokens: 0 },
    ms: 5, ok: false, error: { code: 'local-unreachable', message: 'Ollama is not reachable' } }, at);
  assert.equal(failed, '10:20:30.456 [local] qwen job 0 in / 0 out tok 5 ms ERROR local-unreachable Ollama is not reachable');
});

test('jobs log their citation as path:line; chatty events are skipped', () => {
  assert.equal(formatRunEvent({ type: 'job-finished', jobId: 'j1', status: 'answered', citation: { path: 'src/a.ts', startLine: 12, endLine: 14 }, ms: 80 }, at),
    '10:20:30.456 [job] j1 answered src/a.ts:12 80 ms');
  assert.equal(formatRunEvent({ type: 'job-queued', job: { id: 'j', round: 1, taskId: 't', task: 'x', path: 'a', startLine: 1, endLine: 2 } }, at), undefined);
  assert.equal(formatRunEvent({ type: 'usage', ledger }, at), undefined);
});

test('the run summary carries the ledger', () => {
  const line = formatRunEvent({ type: 'run-finished', ok: true, rounds: 2, ms: 4200, ledger }, at)!;
  assert.match(line, /\[run\] finished ok=true rounds=2 4200 ms/);
  assert.match(line, /remote 2 req 900 in \(100 cached\) \/ 80 out tok \$0\.0031/);
  assert.match(line, /baseline \$0\.04; saved \$0\.04/);
  const worse = formatRunEvent({ type: 'run-finished', ok: true, rounds: 1, ms: 10, ledger: { ...ledger, savings: { costUsd: -0.0004, ratio: 0.7 } } }, at)!;
  assert.match(worse, /saved -\$0\.0004$/);
  const err = formatRunEvent({ type: 'error', fatal: true, error: { code: 'remote-key-rejected', message: 'The key was rejected', hint: 'Set a new key' } }, at);
  assert.equal(err, '10:20:30.456 [run] ERROR remote-key-rejected: The key was rejected — Set a new key');
});
