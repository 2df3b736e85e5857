// The engine's model-free steps: plan normalisation and expansion (caps, globs, scope), the
// digest, citations, privacy scrubbing, the repository map and the event summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryIndex } from '../../support/memory-index';
import { normalizePlan, expandPlan, RELEVANCE_FLOOR } from '../../../src/core/protocol/expand';
import { countText } from '../../../src/core/llm/tokens';
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

test('a task repeated word for word (case, keyword order aside) is planned once', () => {
  const repeated = { tasks: [
    { instruction: 'Find createLocalModel', keywords: ['local', 'model'], globs: [] },
    { instruction: 'find createLocalModel', keywords: ['model', 'local'], globs: [] },
    { instruction: 'Find createLocalModel', keywords: ['local'], globs: [] },
  ], advice: '' };
  const { tasks } = normalizePlan(repeated, 8, 1, 'q');
  assert.deepEqual(tasks.map((t) => [t.id, t.keywords]), [['r1t1', ['local', 'model']], ['r1t2', ['local']]]);
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

/** A word made of letters only, different for every i (digits do not tell findings apart). */
const name = (i: number): string => (i < 26 ? '' : name(Math.floor(i / 26) - 1)) + String.fromCharCode(97 + (i % 26)) + 'x';

test('digest: merges duplicates, keeps within budget and says what it left out', () => {
  const c = (path: string, s: number) => ({ path, startLine: s, endLine: s + 2 });
  const findings = [
    { round: 1, taskId: 't1', task: 'find retry', citation: c('a.ts', 1), text: 'Retries on 5xx.' },
    { round: 1, taskId: 't1', task: 'find retry', citation: c('b.ts', 9), text: 'retries on 5xx. ' },
    // Two hundred different statements (findings that differ only in numbers would merge: see the next test).
    ...Array.from({ length: 200 }, (_, i) => ({ round: 1, taskId: 't2', task: 'other', citation: c(`f${i}.ts`, i + 1), text: `Finding ${name(i)} says ${name(i * 7 + 3)} calls ${name(i * 13 + 5)} before returning.` })),
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

test('digest: near-identical findings merge, quotes go only when they add a name, each task shows its best few in full', () => {
  const c = (path: string, s: number) => ({ path, startLine: s, endLine: s + 2 });
  const f = (i: number, text: string, quote?: string) => ({ round: 1, taskId: 't1', task: 'find retry', citation: c(`src/f${i}.ts`, i + 1), text, rank: i, ...(quote ? { quote } : {}) });
  const same = buildDigest([
    f(0, 'Line 12 retries the request on a 503 status.'),
    f(1, 'Line 40 retries the request on a 503 status!'),
    f(2, 'Line 7 retries the request on a 503 status.'),
  ], 2000);
  assert.match(same.text, /\[src\/f0\.ts:1-3, src\/f1\.ts:2-4, src\/f2\.ts:3-5\] Line 12 retries/, 'the same statement about three places is one line with three citations');
  assert.equal(same.text.match(/retries the request/g)!.length, 1);

  const quotes = buildDigest([
    f(0, 'shouldRetry decides on the status.', 'if (shouldRetry(status))'),
    f(1, 'The wait doubles each attempt.', 'const wait = backoffDelay(attempt)'),
  ], 2000);
  assert.ok(!quotes.text.includes('if (shouldRetry(status))'), 'a quote whose names the finding already says is dropped');
  assert.match(quotes.text, /Quote: `const wait = backoffDelay\(attempt\)`/, 'a quote that names something new is kept');

  // Ten different findings, finished out of order: the six best-ranked in full, the rest by location.
  const ten = buildDigest([9, 3, 0, 7, 1, 8, 2, 6, 4, 5].map((i) => f(i, `Finding ${name(i)} says ${name(i * 7 + 3)} calls ${name(i * 13 + 5)}.`)), 4000);
  const full = [...ten.text.matchAll(/^- \[src\/f(\d)\.ts/gm)].map((m) => Number(m[1]));
  assert.deepEqual(full, [0, 1, 2, 3, 4, 5]);
  assert.match(ten.text, /Also relevant here \(details left out\): src\/f6\.ts:7-9, src\/f7\.ts:8-10, src\/f8\.ts:9-11, src\/f9\.ts:10-12$/m);
  assert.equal(ten.included, 10);
  assert.equal(ten.omitted, 0);
});

test('repository map: when all of it does not fit, the files the question points at come first with their symbols, the rest as folders', () => {
  const map = buildRepoMap(index, [], 200, true, 'where is retryHandler17_3 defined');
  const lines = map.split('\n');
  assert.equal(lines[0], 'Files most related to the question:');
  assert.match(lines[1]!, /^src\/mod\d+\/file\d+\.ts \(typescript, 60 lines\): retryHandler/);
  assert.match(map, /The rest of the repository:\n(src\/|docs\/)/);
  assert.ok(countText(map) <= 200, `within budget (${countText(map)} tokens)`);
  // Without a question (or when everything fits) the map is the plain outline.
  assert.ok(!buildRepoMap(index, [], 200).includes('Files most related'));
  assert.ok(!buildRepoMap(index, [], 100_000, true, 'retry').includes('Files most related'));
  // Strict privacy: paths only, also in the ranked part.
  assert.ok(!/retryHandler/.test(buildRepoMap(index, [], 200, false, 'where is retryHandler17_3 defined')));
});

test('expansion: chunks far below the task\'s best match are not read; later rounds read unread chunks first', () => {
  const idx = memoryIndex({
    'src/best.ts': 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda omicron sigma upsilon',
    'src/weak.ts': 'alpha only',
    'src/none.ts': 'nothing relevant',
  });
  const query = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda omicron sigma upsilon';
  const { tasks } = normalizePlan({ tasks: [{ instruction: 'x', keywords: query.split(' '), globs: [] }], advice: '' }, 8, 1, 'q');
  const { jobs } = expandPlan(idx, tasks, { question: 'q', scope: [], jobsPerTask: 10, maxJobsPerRound: 10, round: 1, seen: new Set() });
  assert.deepEqual(jobs.map((j) => j.chunk.path), ['src/best.ts'], `1 of 14 words is under the ${RELEVANCE_FLOOR} floor`);

  const two = memoryIndex({ 'src/a.ts': 'retry backoff', 'src/b.ts': 'retry backoff', 'src/c.ts': 'retry' });
  const t2 = normalizePlan({ tasks: [{ instruction: 'y', keywords: ['retry', 'backoff'], globs: [] }], advice: '' }, 8, 2, 'q').tasks;
  const readBefore = new Set([two.chunksOf('src/a.ts')[0]!.id]);
  const later = expandPlan(two, t2, { question: 'q', scope: [], jobsPerTask: 10, maxJobsPerRound: 10, round: 2, seen: new Set(), readBefore });
  assert.deepEqual(later.jobs.map((j) => j.chunk.path), ['src/b.ts', 'src/c.ts', 'src/a.ts'], 'read-before chunks go last, not away');
});
