// The TextMate grammar of the "Minions" output channel against lines the log really writes.
// Its patterns are Oniguruma regexes; the ones used here are also valid JavaScript regexes, so
// each is checked by matching it over formatted log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRunEvent } from '../../../src/extension/logFormat';

const grammar = JSON.parse(readFileSync(join(import.meta.dirname, '../../../syntaxes/minions-log.tmLanguage.json'), 'utf8'));
const repo = grammar.repository as Record<string, { match?: string; name?: string; patterns?: { match: string }[] }>;
const rx = (name: string, i = 0) => new RegExp(repo[name]!.match ?? repo[name]!.patterns![i]!.match, 'g');
const at = new Date('2026-01-01T10:20:30.456Z');

test('every pattern compiles', () => {
  for (const [name, rule] of Object.entries(repo)) {
    for (const m of [rule.match, ...(rule.patterns ?? []).map((p) => p.match)]) if (m) assert.doesNotThrow(() => new RegExp(m), name);
  }
  assert.equal(grammar.scopeName, 'text.log.minions');
});

test('a model-call line: timestamp, role, tokens, duration, ok', () => {
  const line = formatRunEvent({ type: 'model-call', role: 'remote', model: 'gpt-4.1', purpose: 'plan', usage: { promptTokens: 812, completionTokens: 64 }, ms: 1234, ok: true }, at)!;
  assert.deepEqual(line.match(rx('timestamp')), ['10:20:30.456']);
  assert.deepEqual(line.match(rx('role', 0)), ['[remote]']);
  assert.deepEqual(line.match(rx('tokens')), ['812 in', '64 out']);
  assert.deepEqual(line.match(rx('duration')), ['1234 ms']);
  assert.deepEqual(line.match(rx('ok')), ['ok']);
  assert.equal(line.match(rx('error')), null);
});

test('errors, citations and money', () => {
  const job = formatRunEvent({ type: 'job-finished', jobId: 'j1', status: 'answered', citation: { path: 'src/net/retry.ts', startLine: 12, endLine: 14 }, ms: 80 }, at)!;
  assert.deepEqual([...job.matchAll(rx('citation'))].map((m) => [m[1], m[2]]), [['src/net/retry.ts', '12']]);
  const err = formatRunEvent({ type: 'error', fatal: true, error: { code: 'local-unreachable', message: 'Cannot reach Ollama' } }, at)!;
  assert.match(err, rx('error'));
  const local = formatRunEvent({ type: 'model-call', role: 'local', model: 'qwen', purpose: 'job', usage: { promptTokens: 1, completionTokens: 1 }, ms: 3, ok: false, error: { code: 'local-timeout', message: 'timed out' } }, at)!;
  assert.deepEqual(local.match(rx('role', 1)), ['[local]']);
  assert.match(local, rx('error'));
  const fin = formatRunEvent({ type: 'run-finished', ok: true, rounds: 1, ms: 10, ledger: {
    local: { requests: 1, promptTokens: 1, completionTokens: 1 }, remote: { requests: 1, promptTokens: 1, cachedPromptTokens: 0, completionTokens: 1, costUsd: 0.0031 },
    baseline: { remotePromptTokens: 1, remoteCompletionTokens: 1, costUsd: 0.041 }, savings: { costUsd: 0.0379, ratio: 13 } } }, at)!;
  assert.deepEqual(fin.match(rx('money')), ['$0.0031', '$0.04', '$0.04']);
});
