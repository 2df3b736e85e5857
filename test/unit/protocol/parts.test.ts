// The engine's model-free steps: plan normalisation and expansion (caps, globs, scope), the
// digest, citations, privacy scrubbing, the repository map and the event summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryIndex } from '../../support/memory-index';
import { normalizePlan, expandPlan } from '../../../src/core/protocol/expand';
import { buildDigest } from '../../../src/core/protocol/digest';
import { citationFor, citationsIn } from '../../../src/core/protocol/citations';
import { scrubSource } from '../../../src/core/protocol/privacy';
import { buildRepoMap } from '../../../src/core/protocol/repo-map';
import { resolveRequest } from '../../../src/core/protocol/request';
import { packChunks } from '../../../src/core/protocol/pack';
import { MinionsError } from '../../../src/core/errors';

const files: Record<string, string> = {};
for (let i = 0; i < 30; i++) files[`src/mod${i}/file${i}.ts`] = Array.from({ length: 60 }, (_, k) => `export function retryHandler${i}_${k}() { return backoff(${k}); }`).join('\n');
files['docs/guide.md'] = '# Guide\nretry and backoff explained';
const index = memoryIndex(files);

test('a plan of a thousand tasks keeps maxTasks; an empty plan still reads the question; bad globs are dropped', () => {
  const many = { tasks: Array.from({ length: 1000 }, (_, i) => ({ instruction: `task ${i}`, keywords: ['retry'], globs: [] })), advice: '' };
  assert.equal(normalizePlan(many, 8, 1, 'q').tasks.length, 8);
  const empty = normalizePlan({ tasks: [], advice: '' }, 8, 1, 'where is retry?');
  assert.equal(empty.tasks.length, 1);
  assert.match(empty.tasks[0]!.instruction, /where is retry/);
  const globs = normalizePlan({ tasks: [{ instruction: 'x', keywords: [], globs: ['/etc/**', '../up/**', 'src/**', ''] }], advice: '' }, 8, 1, 'q');
  assert.deepEqual(globs.tasks[0]!.globs, ['src/**']);
});

test('expansion: per-task K, round cap, interleaving, no re-reads, scope and unmatched globs', () => {
  const { tasks } = normalizePlan({ tasks: Array.from({ length: 8 }, (_, i) => ({ instruction: `t${i}`, keywords: ['retryHandler', 'backoff'], globs: [] })), advice: '' }, 8, 1, 'retry');
  const seen = new Set<string>();
  const { jobs } = expandPlan(index, tasks, { question: 'retry', scope: [], jobsPerTask: 6, maxJobsPerRound: 20, round: 1, seen });
  assert.equal(jobs.length, 20, 'the round cap holds');
  assert.deepEqual(jobs.slice(0, 8).map((j) => j.task.id), tasks.map((t) => t.id), 'tasks interleave so each gets its best chunk first');
  const again = expandPlan(index, tasks, { question: 'retry', scope: [], jobsPerTask: 6, maxJobsPerRound: 100, round: 2, seen });
  for (const j of again.jobs) assert.ok(!jobs.some((p) => p.task.instruction === j.task.instruction && p.chunk.id === j.chunk.id), 'no chunk read twice for the same task');

  const scoped = expandPlan(index, tasks.slice(0, 1), { question: 'retry', scope: ['src/mod3'], jobsPerTask: 6, maxJobsPerRound: 50, round: 1, seen: new Set() });
  assert.ok(scoped.jobs.length > 0 && scoped.jobs.every((j) => j.chunk.path.startsWith('src/mod3/')));

  const nowhere = normalizePlan({ tasks: [{ instruction: 'x', keywords: ['retry'], globs: ['nothing/**'] }], advice: '' }, 8, 1, 'q').tasks;
  const fallback = expandPlan(index, nowhere, { question: 'retry', scope: [], jobsPerTask: 3, maxJobsPerRound: 50, round: 1, seen: new Set() });
  assert.equal(fallback.jobs.length, 3);
  assert.match(fallback.notes[0]!, /match no indexed code/);
});

test('digest: merges duplicates, keeps within budget and says what it left out', () => {
  const c = (path: string, s: number) => ({ path, startLine: s, endLine: s + 2 });
  const findings = [
    { round: 1, taskId: 't1', task: 'find retry', citation: c('a.ts', 1), text: 'Retries on 5xx.' },
    { round: 1, taskId: 't1', task: 'find retry', citation: c('b.ts', 9), text: 'retries on 5xx. ' },
    ...Array.from({ length: 200 }, (_, i) => ({ round: 1, taskId: 't2', task: 'other', citation: c(`f${i}.ts`, i + 1), text: `A long finding number ${i} about many different things in the code base.` })),
  ];
  const d = buildDigest(findings, 600);
  assert.match(d.text, /\[a\.ts:1-3, b\.ts:9-11\] Retries on 5xx\./);
  assert.ok(d.omitted > 0);
  assert.match(d.text, /more findings left out/);
});

test('citations: clamped to the chunk; answer references kept only for known paths', () => {
  const chunk = index.chunksOf('src/mod1/file1.ts')[1]!;
  assert.deepEqual(citationFor(chunk, [25, 27, 999]), { path: chunk.path, startLine: 25, endLine: 27 });
  assert.deepEqual(citationFor(chunk, [1]), { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine });
  const known = (p: string) => p in files;
  assert.deepEqual(citationsIn('See `src/mod1/file1.ts:12-14` and src/mod2/file2.ts:3, not nope/x.ts:4 or http://x.io:80.', known), [
    { path: 'src/mod1/file1.ts', startLine: 12, endLine: 14 }, { path: 'src/mod2/file2.ts', startLine: 3, endLine: 3 },
  ]);
});

test('strict privacy scrub removes code spans and copied lines, keeps the worker\'s words', () => {
  const source = 'function retry(status) {\n  return status === 429 || status >= 500;\n}';
  const out = scrubSource('It retries when return status === 429 || status >= 500; see `retry(status)` and\n```\nfunction retry(status) {\n```', [source]);
  assert.ok(!out.includes('status === 429'));
  assert.ok(!out.includes('retry(status)'));
  assert.match(out, /It retries when/);
});

test('repository map: symbols within budget, folders when too big, paths only when asked', () => {
  const full = buildRepoMap(index, [], 100_000);
  assert.match(full, /src\/mod1\/file1\.ts \(typescript, 60 lines\): retryHandler1_0/);
  assert.ok(!/retryHandler/.test(buildRepoMap(index, [], 100_000, false)));
  const small = buildRepoMap(index, [], 120);
  assert.ok(!small.includes('retryHandler'));
  assert.match(buildRepoMap(index, ['docs'], 1000), /^docs\/guide\.md/);
});

test('requests are validated and capped', () => {
  assert.throws(() => resolveRequest({ question: '  ', protocol: 'minions' }, undefined), (e: MinionsError) => e.code === 'bad-input');
  assert.throws(() => resolveRequest({ question: 'q', protocol: 'remote', privacy: 'strict' }, undefined), (e: MinionsError) => /strict privacy/.test(e.message));
  const r = resolveRequest({ question: 'q', protocol: 'minions', maxRounds: 99, parallel: 0, scope: ['./src/', '.'], budgets: { maxJobsPerRound: 1e9 } }, 4096);
  assert.equal(r.maxRounds, 10);
  assert.equal(r.parallel, 1);
  assert.deepEqual(r.scope, ['src']);
  assert.equal(r.budgets.maxJobsPerRound, 5000);
  assert.equal(r.budgets.localContextTokens, 4096 - 1536);
});

test('a scoped run reads its scope even when the keywords miss it', () => {
  const idx = memoryIndex({ 'src/a.ts': 'alpha beta', 'src/b/one.ts': 'nothing here', 'src/b/two.ts': 'nor here' });
  const { tasks } = normalizePlan({ tasks: [{ instruction: 'x', keywords: ['retry'], globs: [] }], advice: '' }, 8, 1, 'retry');
  const { jobs } = expandPlan(idx, tasks, { question: 'retry', scope: ['src/b'], jobsPerTask: 6, maxJobsPerRound: 50, round: 1, seen: new Set() });
  assert.deepEqual(jobs.map((j) => j.chunk.path), ['src/b/one.ts', 'src/b/two.ts']);
  assert.deepEqual(packChunks(idx, 'retry', ['src/b'], 10_000).map((c) => c.path), ['src/b/one.ts', 'src/b/two.ts']);
  assert.deepEqual(expandPlan(idx, tasks, { question: 'retry', scope: [], jobsPerTask: 6, maxJobsPerRound: 50, round: 1, seen: new Set() }).jobs, [], 'unscoped: only what the search finds');
});
