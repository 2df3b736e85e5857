// `minions ask` with the cache folder on: the same question twice sends no local request the
// second time (every job `cached: true`); `--continue` continues the latest thread and the remote
// sees the earlier question; `--thread` with an unknown id is a clear error.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOllama } from '../../support/fake-ollama';
import { FakeOpenAI } from '../../support/fake-openai';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { FIXTURE_REPO } from './helpers';

const ROOT = join(__dirname, '../../..');
const Q1 = 'Where is the retry policy decided?';
const Q2 = 'And which errors does it retry?';

describe('minions ask: job cache and threads', () => {
  let ollama: FakeOllama;
  let openai: FakeOpenAI;
  let cache: string;
  let base: string[];
  const env = () => ({ PATH: process.env.PATH ?? '', HOME: cache, MINIONS_REMOTE_API_KEY: openai.apiKey });
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ask', ...base, ...args], { cwd: ROOT, env: env(), timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
  const remote = () => scriptedRemote({
    plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
    syntheses: [{ answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
  });
  before(async () => {
    cache = mkdtempSync(join(tmpdir(), 'cli-thread-'));
    ollama = await FakeOllama.start({ chat: wordFinder(['shouldRetry']) });
    openai = await FakeOpenAI.start({ chat: remote() });
    // MinionS pinned: auto would answer the small fixture repository remote-only, reading nothing.
    base = ['--cache', cache, '--protocol', 'minions', '--workspace', FIXTURE_REPO, '--local-url', ollama.url, '--remote-url', openai.url, '--remote-model', 'gpt-4o-mini', '--json'];
  });
  after(async () => {
    await ollama.close();
    await openai.close();
    rmSync(cache, { recursive: true, force: true });
  });

  test('a repeat reads nothing; --continue carries the earlier question to the remote', async () => {
    const first = await cli([Q1]);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout);
    assert.match(a.thread, /^thread-/);
    assert.equal(a.turn, 1);
    assert.ok(a.usage.local.requests > 0);
    assert.ok(a.jobs.every((j: { cached: boolean }) => j.cached === false));

    openai.chat = remote();
    const localBefore = ollama.chatBodies().length;
    const again = await cli([Q1]);
    assert.equal(again.code, 0, again.stderr);
    const b = JSON.parse(again.stdout);
    assert.equal(ollama.chatBodies().length, localBefore, 'no local request the second time');
    assert.equal(b.usage.local.requests, 0);
    assert.equal(b.usage.local.cachedJobs, a.jobs.length);
    assert.ok(b.jobs.length === a.jobs.length && b.jobs.every((j: { cached: boolean }) => j.cached === true));
    assert.notEqual(b.thread, a.thread, 'without --continue a question starts a thread');

    openai.chat = remote();
    const remoteBefore = openai.chatBodies().length;
    const follow = await cli(['--continue', Q2]);
    assert.equal(follow.code, 0, follow.stderr);
    const c = JSON.parse(follow.stdout);
    assert.equal(c.thread, b.thread, '--continue continues the latest thread');
    assert.equal(c.turn, 2);
    const sent = openai.chatBodies().slice(remoteBefore);
    assert.ok(sent.length > 0 && sent[0]!.messages.some((m) => m.content.includes(Q1) && m.content.includes(Q2)), 'the remote sees the earlier question');

    openai.chat = remote();
    const byId = await cli(['--thread', a.thread, Q2]);
    assert.equal(byId.code, 0, byId.stderr);
    assert.deepEqual([JSON.parse(byId.stdout).thread, JSON.parse(byId.stdout).turn], [a.thread, 2]);

    const unknown = await cli(['--thread', 'thread-zzz-000000', Q2]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No thread thread-zzz-000000/);
  });
});
