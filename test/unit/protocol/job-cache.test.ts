// The job-result cache: a repeat reads nothing; an edited chunk, another model or a new prompt
// version reads again; the file stays within its cap (least recently used out first); a damaged
// file is a note, never a failed run; runs saving the same key at once leave a whole file.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex } from '../../../src/core/index/index';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { runProtocol } from '../../../src/core/protocol/index';
import { runReport } from '../../../src/shared/run/summary';
import { JobCache, JOB_CACHE_FILE, jobCacheKey, removeJobCache, type CachedJob } from '../../../src/core/protocol/job-cache';
import { JOB_PROMPT_VERSION } from '../../../src/core/protocol/prompts';
import { collect, ofType, rig, FIXTURE_REPO, type Rig } from './helpers';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';

const SCRIPT = () => scriptedRemote({
  plans: [[{ instruction: 'Find where the decision to retry a request is made', keywords: ['shouldRetry', 'retry'], globs: [] }]],
  syntheses: [{ answer: 'Retries are decided by `shouldRetry` (src/http/retry.ts:16).' }],
});
const ASK = { question: 'Where is the retry policy decided?', protocol: 'minions' as const, maxRounds: 1, parallel: 2 };

const value = (finding: string): CachedJob => ({ answer: { relevant: true, finding, lines: [3], quote: 'x' }, ms: 120, usage: { promptTokens: 300, completionTokens: 20 } });
const chunk = { startLine: 1, endLine: 3, text: 'a\nb\nc' };
const key = (over: Partial<Parameters<typeof jobCacheKey>[0]> = {}) =>
  jobCacheKey({ chunk, instruction: 'Find the retry rule', keywords: ['retry', 'backoff'], model: 'm', promptVersion: JOB_PROMPT_VERSION, ...over });

describe('job cache keys', () => {
  test('case and spacing of the task do not matter; content, lines, model and prompt version do', () => {
    assert.equal(key(), key({ instruction: '  find the RETRY   rule ', keywords: ['Backoff', 'retry', 'retry'] }));
    assert.notEqual(key(), key({ chunk: { ...chunk, text: 'a\nb\nd' } }));
    assert.notEqual(key(), key({ chunk: { ...chunk, startLine: 2, endLine: 4 } }));
    assert.notEqual(key(), key({ model: 'other' }));
    assert.notEqual(key(), key({ promptVersion: JOB_PROMPT_VERSION + 1 }));
    assert.notEqual(key(), key({ keywords: ['retry'] }));
  });
});

describe('job cache file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('evicts the least recently used entries at the size cap', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobcache-'));
    let clock = 1;
    const cache = JobCache.inDir(dir, { maxBytes: 2048, now: () => clock++ });
    for (let i = 0; i < 40; i++) cache.put(`k${i}`, value(`finding number ${i} `.repeat(3)));
    cache.get('k0'); // used again: the newest now
    await cache.save();
    const size = readFileSync(join(dir, JOB_CACHE_FILE)).length;
    assert.ok(size <= 2048, `the file fits its cap (${size} bytes)`);
    const reread = JobCache.inDir(dir);
    assert.ok(reread.size > 3 && reread.size < 40, `some entries were evicted (${reread.size} left)`);
    assert.ok(reread.get('k0'), 'the recently used entry stayed');
    assert.ok(reread.get('k39'), 'the newest entry stayed');
    assert.equal(reread.get('k1'), undefined, 'the least recently used went first');
  });

  test('a damaged file is reported and replaced, never thrown', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobcache-'));
    writeFileSync(join(dir, JOB_CACHE_FILE), '{"format":1,"entries":{"k":');
    const cache = JobCache.inDir(dir);
    assert.match(cache.open() ?? '', /damaged/);
    assert.equal(cache.get('k'), undefined);
    cache.put('k', value('fresh'));
    await cache.save();
    assert.equal(JobCache.inDir(dir).get('k')?.answer.finding, 'fresh');
  });

  test('runs saving the same key at once leave one whole file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobcache-'));
    const caches = Array.from({ length: 8 }, () => JobCache.inDir(dir));
    caches.forEach((c, i) => {
      c.put('same', value(`writer ${i}`));
      c.put(`own${i}`, value(`only ${i}`));
    });
    await Promise.all(caches.map((c) => c.save()));
    const parsed = JSON.parse(readFileSync(join(dir, JOB_CACHE_FILE), 'utf8')) as { entries: Record<string, unknown> };
    assert.ok(parsed.entries.same, 'the shared key is there');
    assert.match(JobCache.inDir(dir).get('same')!.answer.finding, /^writer \d$/);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left behind');
    removeJobCache(dir);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('job cache in runs', () => {
  let r: Rig | undefined;
  let dir: string;
  afterEach(async () => {
    await r?.close();
    r = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  test('the same question twice sends no local request the second time; the jobs say cached', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobcache-'));
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: SCRIPT() } });
    const first = await collect(runProtocol(ASK, { ...r, jobCache: JobCache.inDir(dir) }));
    const asked = r.ollama.chatBodies().length;
    assert.ok(asked > 0);
    r.openai.chat = SCRIPT();
    const second = await collect(runProtocol(ASK, { ...r, jobCache: JobCache.inDir(dir) }));
    assert.equal(r.ollama.chatBodies().length, asked, 'no local request the second time');
    const s1 = runReport(first);
    const s2 = runReport(second);
    assert.equal(s2.jobs.length, s1.jobs.length);
    assert.ok(s2.jobs.every((j) => j.cached), 'every job is marked cached');
    assert.ok(s1.jobs.every((j) => !j.cached));
    assert.deepEqual(s2.jobs.map((j) => [j.status, j.answer]), s1.jobs.map((j) => [j.status, j.answer]), 'the same results');
    assert.equal(s2.usage.local.requests, 0);
    assert.equal(s2.usage.local.promptTokens, 0);
    assert.equal(s2.usage.local.cachedJobs, s1.jobs.length);
    assert.ok((s2.usage.local.cachedMs ?? -1) >= 0);
    assert.equal(ofType(second, 'job-started').length, 0, 'a cached job never runs');
  });

  test('an edited chunk, another model or a damaged cache file reads again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobcache-'));
    const repo = join(dir, 'repo');
    cpSync(FIXTURE_REPO, repo, { recursive: true });
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: SCRIPT() } });
    const index = await openIndex({ roots: [repo], workers: 0 });
    const cacheDir = join(dir, 'cache');
    try {
      const deps = () => ({ ...r!, index, jobCache: JobCache.inDir(cacheDir) });
      const first = runReport(await collect(runProtocol(ASK, deps())));
      const retryJobs = first.jobs.filter((j) => j.path === 'src/http/retry.ts').length;
      assert.ok(retryJobs > 0, 'the question reads src/http/retry.ts');

      // Edit the file: its chunks miss, the others hit. (The edit keeps the names the task
      // searches for, so the same chunks are chosen and the cache alone decides what is read.)
      const file = join(repo, 'src/http/retry.ts');
      const text = readFileSync(file, 'utf8');
      assert.ok(text.includes('attempts: 4'));
      writeFileSync(file, text.replace('attempts: 4', 'attempts: 5'));
      await index.refresh();
      r.openai.chat = SCRIPT();
      const before = r.ollama.chatBodies().length;
      const editedEvents = await collect(runProtocol(ASK, deps()));
      const edited = runReport(editedEvents);
      const read = edited.jobs.filter((j) => !j.cached);
      assert.ok(read.length > 0 && read.every((j) => j.path === 'src/http/retry.ts'), 'only the edited file is read again');
      // One local request per reading (a task's top chunks are read more than once).
      const readings = ofType(editedEvents, 'job-finished').filter((e) => !e.cached).reduce((n, e) => n + (e.samples?.n ?? 1), 0);
      assert.equal(r.ollama.chatBodies().length - before, readings);

      // Another local model: every job misses.
      const other = new OllamaModel({ url: r.ollama.url, model: 'llama3.2:3b', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });
      r.ollama.models.push('llama3.2:3b');
      r.openai.chat = SCRIPT();
      const otherModel = runReport(await collect(runProtocol(ASK, { ...deps(), local: other })));
      assert.ok(otherModel.jobs.length > 0 && otherModel.jobs.every((j) => !j.cached), 'another model reads everything');

      // A damaged file: a note in the run, and the run still answers.
      writeFileSync(join(cacheDir, JOB_CACHE_FILE), 'not json at all');
      r.openai.chat = SCRIPT();
      const events = await collect(runProtocol(ASK, deps()));
      const notes = ofType(events, 'error').filter((e) => e.error.code === 'job-cache');
      assert.equal(notes.length, 1);
      assert.equal(notes[0]!.fatal, false);
      assert.match(notes[0]!.error.message, /damaged/);
      const last = events.at(-1)!;
      assert.ok(last.type === 'run-finished' && last.ok, 'the run answers');
      assert.ok(runReport(events).jobs.every((j) => !j.cached));
    } finally {
      await index.dispose();
    }
  });
});
