// `minions ask` when a run does not simply answer (issue 11): a late failure still prints the
// one JSON object with every job, the ledger and the error (exit 3); --retry-answer synthesizes
// that saved output again without a local request; --show-remote lists what left the machine;
// --max-usd refuses a run that cannot fit before sending anything.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOllama } from '../../support/fake-ollama';
import { FakeOpenAI } from '../../support/fake-openai';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { FIXTURE_REPO } from './helpers';

const ROOT = join(__dirname, '../../..');
const Q = 'Where is the retry policy decided?';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ask', '--no-cache', '--workspace', FIXTURE_REPO, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const GOOD = () => scriptedRemote({
  plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
  syntheses: [{ answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
});

describe('minions ask: partial, retry, show-remote, cap', () => {
  let ollama: FakeOllama;
  let openai: FakeOpenAI;
  let env: Record<string, string>;
  let flags: string[];
  before(async () => {
    ollama = await FakeOllama.start({ chat: wordFinder(['shouldRetry']) });
    openai = await FakeOpenAI.start({ chat: GOOD() });
    env = { MINIONS_REMOTE_API_KEY: openai.apiKey };
    flags = ['--local-url', ollama.url, '--remote-url', openai.url, '--remote-model', 'gpt-4o-mini', '--protocol', 'minions'];
  });
  after(async () => {
    await ollama.close();
    await openai.close();
  });

  test('two unusable syntheses after the jobs ran: exit 3, one JSON object with the jobs, usage and error; --retry-answer answers from it', async () => {
    const good = GOOD();
    openai.chat = (b) => (JSON.stringify(b.response_format ?? b.messages).includes('minions_synthesis') ? { content: 'not json at all' } : good(b));
    const r = await cli([...flags, '--json', Q], env);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'partial');
    assert.match(out.error.message, /did not give a usable answer/);
    assert.ok(out.jobs.some((j: { status: string; answer: string }) => j.status === 'answered' && j.answer));
    assert.ok(out.usage.local.requests > 0 && out.usage.remote.requests >= 3);
    assert.match(r.stderr, /^minions: partial: /);

    const dir = mkdtempSync(join(tmpdir(), 'minions-retry-'));
    writeFileSync(join(dir, 'run.json'), r.stdout);
    openai.chat = GOOD();
    const localBefore = ollama.requests.length;
    const again = await cli([...flags, '--json', '--show-remote', '--retry-answer', join(dir, 'run.json')], env);
    assert.equal(again.code, 0, again.stderr);
    const answered = JSON.parse(again.stdout);
    assert.equal(answered.status, 'answered');
    assert.match(answered.answer, /shouldRetry/);
    assert.equal(ollama.requests.length, localBefore, 'no local job ran again');
    assert.equal(answered.remoteRequests.length, 1);
    assert.ok(!again.stdout.includes(openai.apiKey));
  });

  test('--max-usd below one plan call: nothing sent, exit 1 with reason budget; junk values are refused', async () => {
    openai.chat = GOOD();
    const before = openai.requests.length;
    const r = await cli([...flags, '--json', '--max-usd', '0.00001', Q], env);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'failed');
    assert.equal(out.reason, 'budget');
    assert.equal(openai.requests.length, before);
    const bad = await cli([...flags, '--max-remote-tokens', 'lots', Q], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^minions: --max-remote-tokens must be a positive/);
  });
});
