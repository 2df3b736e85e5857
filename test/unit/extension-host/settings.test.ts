import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings, DEFAULT_SETTINGS, changedAreas } from '../../../src/extension/settings';

test('readSettings returns the defaults when nothing is set', () => {
  assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
});

test('readSettings takes valid values and normalises them', () => {
  const values: Record<string, unknown> = {
    'local.provider': 'openai-compatible', 'local.url': 'http://127.0.0.1:8080/v1/', 'local.model': ' llama3 ',
    'local.numCtxPolicy': 'fixed', 'local.numCtx': 8192.4, 'local.parallelJobs': 8,
    'remote.baseUrl': 'https://openrouter.ai/api/v1', 'remote.model': 'gpt-5', protocol: 'minion', maxRounds: 5,
    'jobs.perTask': 3, 'jobs.maxPerRound': 100, 'index.include': ['src/**', ' ', 3], 'index.exclude': ['**/*.gen.ts'],
    'index.maxFileBytes': 2048, 'index.chunkTokens': 400, 'index.onStartup': false, privacy: 'strict',
    'index.pdf.maxPages': 50, 'index.pdf.timeBudgetMs': 5000,
    prices: { 'my-model': { input: 1, output: 2, cachedInput: 0.5 }, bad: { input: -1, output: 2 }, half: { input: 1 } },
  };
  const s = readSettings((k) => values[k]);
  assert.equal(s.local.provider, 'openai-compatible');
  assert.equal(s.local.url, 'http://127.0.0.1:8080/v1');
  assert.equal(s.local.model, 'llama3');
  assert.equal(s.local.numCtxPolicy, 'fixed');
  assert.equal(s.local.numCtx, 8192);
  assert.equal(s.local.parallelJobs, 8);
  assert.equal(s.remote.baseUrl, 'https://openrouter.ai/api/v1');
  assert.equal(s.protocol, 'minion');
  assert.equal(s.maxRounds, 5);
  assert.deepEqual(s.jobs, { perTask: 3, maxPerRound: 100, samples: 2 });
  assert.deepEqual(s.index, { include: ['src/**'], exclude: ['**/*.gen.ts'], maxFileBytes: 2048, chunkTokens: 400, onStartup: false, pdfMaxPages: 50, pdfTimeBudgetMs: 5000 });
  assert.equal(s.privacy, 'strict');
  assert.deepEqual(s.prices, { 'my-model': { input: 1, output: 2, cachedInput: 0.5 } });
});

test('readSettings falls back on invalid values and clamps out-of-range numbers', () => {
  const values: Record<string, unknown> = {
    'local.provider': 'llamafile', 'local.url': 'ftp://x', 'remote.baseUrl': 'not a url', 'local.model': '',
    'local.parallelJobs': 0, maxRounds: 99, protocol: 'magic', privacy: 'paranoid', 'local.numCtx': Number.NaN, prices: [1, 2],
  };
  const s = readSettings((k) => values[k]);
  assert.equal(s.local.provider, 'ollama');
  assert.equal(s.local.url, DEFAULT_SETTINGS.local.url);
  assert.equal(s.remote.baseUrl, DEFAULT_SETTINGS.remote.baseUrl);
  assert.equal(s.local.model, DEFAULT_SETTINGS.local.model);
  assert.equal(s.local.parallelJobs, 1);
  assert.equal(s.maxRounds, 10);
  assert.equal(s.protocol, 'auto', 'an unknown protocol falls back to the default');
  assert.equal(s.privacy, 'standard');
  assert.equal(s.local.numCtx, DEFAULT_SETTINGS.local.numCtx);
  assert.deepEqual(s.prices, {});
});

test('changedAreas tells index changes from model changes', () => {
  const only = (...sections: string[]) => (s: string) => sections.some((x) => x === s || x.startsWith(s + '.'));
  assert.deepEqual(changedAreas(only('minions.index.exclude')), { index: true, models: false, any: true });
  assert.deepEqual(changedAreas(only('minions.remote.model')), { index: false, models: true, any: true });
  assert.deepEqual(changedAreas(only('editor.fontSize')), { index: false, models: false, any: false });
});
