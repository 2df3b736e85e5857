// The evidence checks, model-free: quote matching and line correction, negative findings,
// sample merging, coverage counts in the digest, targeted re-reads and keyword-first ranking,
// and the answer's citations checked against files and findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chunk } from '../../../src/core/index/types';
import { locateQuote, verifyReply, isNegativeFinding } from '../../../src/core/protocol/verify';
import { mergeSamples, type Sample } from '../../../src/core/protocol/samples';
import { CoverageBook } from '../../../src/core/protocol/coverage';
import { buildDigest, type Finding } from '../../../src/core/protocol/digest';
import { expandPlan, normalizePlan } from '../../../src/core/protocol/expand';
import { checkCitations } from '../../../src/core/protocol/answer-check';
import { Scratchpad, SCRATCHPAD_CHARS } from '../../../src/core/protocol/scratchpad';
import { memoryIndex } from '../../support/memory-index';

const chunk = (text: string, startLine = 10): Chunk => {
  const n = text.split(/\r\n|\r|\n/).length;
  return { id: `src/a.ts:${startLine}-${startLine + n - 1}`, path: 'src/a.ts', startLine, endLine: startLine + n - 1, language: 'typescript', tokens: 50, text };
};

const CODE = chunk([
  'export function shouldRetry(status: number): boolean {',
  '\treturn status === 429 ||   status >= 500;',
  '}',
  '',
  'const ÉTAT = "café";  // unicode',
  'export const backoff = (attempt: number) => 100 * 2 ** attempt;',
].join('\r\n'));

test('quote matching: whitespace, tabs, CRLF and case are normalised; unicode folds; an ellipsis joins two verbatim parts', () => {
  assert.deepEqual(locateQuote(CODE, 'return status === 429 || status >= 500;'), { startLine: 11, endLine: 11 });
  assert.deepEqual(locateQuote(CODE, 'RETURN   STATUS === 429'), { startLine: 11, endLine: 11 });
  assert.deepEqual(locateQuote(CODE, 'const état = "café"'), { startLine: 14, endLine: 14 });
  assert.deepEqual(locateQuote(CODE, '\uFF32\uFF25\uFF34\uFF35\uFF32\uFF2E\u00A0status'), { startLine: 11, endLine: 11 }, 'full-width letters and a non-breaking space');
  assert.deepEqual(locateQuote(CODE, 'export function shouldRetry ... status >= 500'), { startLine: 10, endLine: 11 });
  assert.deepEqual(locateQuote(CODE, 'shouldRetry(status: number)… 2 ** attempt'), { startLine: 10, endLine: 15 });
  assert.deepEqual(locateQuote(CODE, 'boolean {\n\treturn status'), { startLine: 10, endLine: 11 }, 'a quote across a line break');
  assert.deepEqual(locateQuote(CODE, '11| return status === 429'), { startLine: 11, endLine: 11 }, 'a copied margin is dropped');
  assert.equal(locateQuote(CODE, 'status >= 500 ... export function shouldRetry'), undefined, 'ellipsis parts must come in order');
  assert.equal(locateQuote(CODE, 'return status === 404'), undefined);
  assert.equal(locateQuote(CODE, '}'), undefined, 'too short to identify a place');
  assert.equal(locateQuote(CODE, '...'), undefined);
  assert.equal(locateQuote(CODE, 'ret ... urn'), undefined, 'parts too short around an ellipsis');
});

test('verification: cited lines stand when they hold the quote, are corrected when not; no quote or an invented one is unverified', () => {
  const reply = (lines: number[], quote: string, finding = 'shouldRetry retries on 429 and 5xx.') => verifyReply(CODE, { relevant: true, finding, lines, quote });
  assert.deepEqual(reply([10, 11, 12], 'status >= 500'), { kind: 'verified', citation: { path: 'src/a.ts', startLine: 10, endLine: 12 }, linesCorrected: false });
  assert.deepEqual(reply([15], 'status >= 500'), { kind: 'verified', citation: { path: 'src/a.ts', startLine: 11, endLine: 11 }, linesCorrected: true });
  assert.deepEqual(reply([2, 3], 'status >= 500'), { kind: 'verified', citation: { path: 'src/a.ts', startLine: 11, endLine: 11 }, linesCorrected: true }, 'lines outside the chunk');
  assert.deepEqual(reply([], 'status >= 500'), { kind: 'verified', citation: { path: 'src/a.ts', startLine: 11, endLine: 11 }, linesCorrected: true });
  const invented = reply([11], 'if (attempts > maxAttempts) throw new RetryError()');
  assert.equal(invented.kind, 'unverified');
  assert.match((invented as { reason: string }).reason, /not in the excerpt/);
  assert.equal(reply([11], '').kind, 'unverified');
  assert.deepEqual(verifyReply(CODE, { relevant: false, finding: 'x', lines: [], quote: '' }), { kind: 'abstained' });
  assert.deepEqual(verifyReply(CODE, { relevant: true, finding: '  ', lines: [], quote: 'status' }), { kind: 'abstained' });
});

test('negative "findings" are abstentions; findings about what code does not do stay findings', () => {
  for (const s of ['There is no mention of caching in this excerpt.', 'The excerpt does not contain the retry policy.', "This code doesn't show how tokens are refreshed.",
    'The backoff is not mentioned here.', 'This chunk is not relevant to the task.', 'Nothing in this excerpt concerns the cache.', 'The limit cannot be determined from this code.']) {
    assert.ok(isNegativeFinding(s), s);
    assert.equal(verifyReply(CODE, { relevant: true, finding: s, lines: [11], quote: 'status >= 500' }).kind, 'abstained', s);
  }
  for (const s of ['shouldRetry does not retry on 404: only 429 and 5xx.', 'The client never retries a POST.', 'Returns false when the status is below 500.']) {
    assert.ok(!isNegativeFinding(s), s);
  }
});

const verified = (startLine: number, endLine: number, finding = 'f'): Sample => ({ verdict: { kind: 'verified', citation: { path: 'src/a.ts', startLine, endLine }, linesCorrected: false }, finding, quote: 'q' });
const abstained: Sample = { verdict: { kind: 'abstained' }, finding: '', quote: '' };
const unverified: Sample = { verdict: { kind: 'unverified', reason: 'the quote is not in the excerpt', citation: { path: 'src/a.ts', startLine: 10, endLine: 15 } }, finding: 'made up', quote: 'x' };

test('samples: agreeing verified samples merge without a flag; disagreements are flagged; the largest agreeing group wins', () => {
  const agree = mergeSamples([verified(11, 11, 'first'), verified(10, 12, 'second'), verified(11, 12, 'third')]);
  assert.equal(agree.verdict.kind, 'verified');
  assert.equal(agree.finding, 'first');
  assert.deepEqual(agree.samples, { n: 3, verified: 3, disagree: false });
  assert.equal(agree.disputed, undefined);

  const split = mergeSamples([verified(30, 31, 'lonely'), verified(11, 11, 'a'), verified(11, 12, 'b')]);
  assert.equal(split.finding, 'a', 'two agreeing samples outvote one');
  assert.deepEqual(split.samples, { n: 3, verified: 3, disagree: true });
  assert.match(split.disputed!, /2 of 3/);

  const some = mergeSamples([abstained, verified(11, 11, 'seen once')]);
  assert.equal(some.verdict.kind, 'verified');
  assert.match(some.disputed!, /1 of 2/);

  const none = mergeSamples([unverified, abstained]);
  assert.equal(none.verdict.kind, 'unverified', 'no sample verified: the invented one stays out of the evidence');
  assert.equal(mergeSamples([abstained, abstained]).verdict.kind, 'abstained');
  assert.equal(mergeSamples([verified(11, 11)]).samples, undefined, 'one sample: nothing to merge');
});

test('coverage: per-task counts and unread relevant chunks reach the digest with short finding ids, also for a task that found nothing', () => {
  const book = new CoverageBook();
  book.planned('r1t1', 'Find the retry policy', 1, 3);
  book.planned('r1t2', 'Find the cache eviction', 1, 0);
  for (const o of ['answered', 'answered', 'abstained', 'unverified', 'failed'] as const) book.record('r1t1', o);
  book.record('r1t2', 'abstained');
  assert.deepEqual(book.tasks.get('r1t1'), { round: 1, task: 'Find the retry policy', read: 5, answered: 2, abstained: 1, unverified: 1, failed: 1, unread: 3 });
  const findings: Finding[] = [
    { id: 'F1', round: 1, taskId: 'r1t1', task: 'Find the retry policy', citation: { path: 'src/a.ts', startLine: 11, endLine: 11 }, text: 'Retries on 429 and 5xx.' },
    { id: 'F2', round: 1, taskId: 'r1t1', task: 'Find the retry policy', citation: { path: 'src/b.ts', startLine: 4, endLine: 4 }, text: 'Retries on 429 and 5xx.', disputed: 'samples disagree: 1 of 2 readings support this' },
  ];
  const { text } = buildDigest(findings, 2000, book.tasks);
  assert.match(text, /Coverage: read 5 chunks: 2 answered, 1 abstained, 1 unverified \(left out\), 1 failed; 3 relevant chunks left unread/);
  assert.match(text, /- F1, F2 \[src\/a\.ts:11-11, src\/b\.ts:4-4\] Retries on 429 and 5xx\. \(samples disagree: 1 of 2 readings support this\)/);
  assert.match(text, /Find the cache eviction\n {2}Coverage: read 1 chunk: 0 answered, 1 abstained/, 'a task with no finding still says what it read');
});

const files: Record<string, string> = {
  'src/retry.ts': Array.from({ length: 60 }, (_, i) => (i === 45 ? 'export function backoff() { return jitter; }' : `// retry policy line ${i}`)).join('\n'),
  'src/cache.ts': Array.from({ length: 60 }, (_, i) => `// cache eviction line ${i} retry`).join('\n'),
  'docs/guide.md': '# Guide\nretry and backoff explained',
};
const index = memoryIndex(files);

test('targets: ranges and finding ids read first at chunk, neighbors or file granularity, bypassing the already-read demotion; per-task k', () => {
  const plan = normalizePlan({ tasks: [
    { instruction: 'Re-read the range', keywords: ['retry'], globs: [], targets: ['src/retry.ts:45-46'], granularity: 'chunk', k: 1 },
    { instruction: 'Around F2', keywords: [], globs: [], targets: ['F2', '../etc/passwd:1-2', 'nowhere.ts:1-2'], granularity: 'neighbors', k: 5 },
    { instruction: 'The whole file', keywords: [], globs: [], targets: ['src/cache.ts'], granularity: 'file', k: 0 },
    { instruction: 'Odd granularity', keywords: [], globs: [], targets: ['src/retry.ts:1'], granularity: 'everything', k: -3 },
  ], advice: '' }, 8, 2, 'retry');
  assert.deepEqual(plan.tasks[1]!.targets, ['F2', 'nowhere.ts:1-2'], 'no climbing out of the workspace');
  assert.equal(plan.tasks[3]!.granularity, 'chunk');
  assert.equal(plan.tasks[3]!.k, undefined);
  const readBefore = new Set(index.chunksOf('src/retry.ts').map((c) => c.id));
  const { jobs, unread } = expandPlan(index, plan.tasks, {
    question: 'retry', scope: [], jobsPerTask: 3, maxJobsPerRound: 100, round: 2, seen: new Set(), readBefore,
    findingCitation: (id) => (id === 'F2' ? { path: 'src/retry.ts', startLine: 25, endLine: 26 } : undefined),
  });
  const of = (taskId: string) => jobs.filter((j) => j.info.taskId === taskId).map((j) => `${j.chunk.startLine}-${j.chunk.endLine}`);
  assert.deepEqual(of('r2t1'), ['41-60'], 'the targeted chunk, though read before; k = 1');
  assert.deepEqual(of('r2t2').slice(0, 3), ['1-20', '21-40', '41-60'], 'the finding\'s chunk and its neighbours');
  assert.deepEqual(jobs.filter((j) => j.info.taskId === 'r2t3').slice(0, 3).map((j) => j.chunk.path), ['src/cache.ts', 'src/cache.ts', 'src/cache.ts']);
  assert.ok(unread.get('r2t1')! >= 1, 'k left relevant chunks unread, and coverage says so');
});

test('ranking: each task by its own keywords; the question only breaks ties, so different tasks read different chunks', () => {
  const plan = normalizePlan({ tasks: [
    { instruction: 'Find the backoff', keywords: ['backoff', 'jitter'], globs: [] },
    { instruction: 'Find the eviction', keywords: ['eviction'], globs: [] },
  ], advice: '' }, 8, 1, 'how do retry and cache eviction work');
  const { jobs } = expandPlan(index, plan.tasks, { question: 'how do retry and cache eviction work', scope: [], jobsPerTask: 2, maxJobsPerRound: 100, round: 1, seen: new Set() });
  const a = jobs.filter((j) => j.info.taskId === 'r1t1').map((j) => j.chunk.id);
  const b = jobs.filter((j) => j.info.taskId === 'r1t2').map((j) => j.chunk.id);
  assert.equal(a[0], 'src/retry.ts:41-60', 'the chunk with the task\'s own words first');
  assert.ok(b.every((id) => id.startsWith('src/cache.ts')));
  assert.ok(!a.some((id) => b.includes(id)), 'no overlap between the tasks');
});

test('answer citations: inside the file, linked to the verified findings they overlap; the rest unsupported', () => {
  const findings: Finding[] = [
    { id: 'F1', round: 1, taskId: 't', task: 't', citation: { path: 'src/retry.ts', startLine: 45, endLine: 46 }, text: 'x' },
    { id: 'F2', round: 1, taskId: 't', task: 't', citation: { path: 'src/retry.ts', startLine: 40, endLine: 45 }, text: 'y' },
  ];
  const lines = (p: string) => (p in files ? files[p]!.split('\n').length : undefined);
  const checks = checkCitations([
    { path: 'src/retry.ts', startLine: 45, endLine: 45 },
    { path: 'src/retry.ts', startLine: 10, endLine: 12 },
    { path: 'src/retry.ts', startLine: 59, endLine: 61 },
  ], lines, findings);
  assert.deepEqual(checks.map((c) => [c.status, c.findingIds]), [['supported', ['F1', 'F2']], ['unsupported', []], ['outside-file', []]]);
});

test('scratchpad: kept short; an empty update keeps the old one', () => {
  const pad = new Scratchpad();
  pad.update(1, 'Retries: F1, F2.');
  pad.update(2, '  ');
  assert.equal(pad.current, 'Retries: F1, F2.');
  assert.equal(pad.writtenAfterRound, 1);
  pad.update(2, 'x'.repeat(5000));
  assert.equal(pad.current.length, SCRATCHPAD_CHARS + 3);
});
