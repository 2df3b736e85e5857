// `minions ask` end to end: the real CLI entry point in a child process, against the loopback
// fakes, over the fixture repo.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { FakeOllama } from '../../support/fake-ollama';
import { FakeOpenAI } from '../../support/fake-openai';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { FIXTURE_REPO } from './helpers';

const ROOT = join(__dirname, '../../..');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ask', '--no-cache', '--workspace', FIXTURE_REPO, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const REMOTE = () => scriptedRemote({
  plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
  syntheses: [{ answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
  minion: [{ ask: 'Which function decides retries?' }, { answer: 'shouldRetry (src/http/retry.ts:16).' }],
  answer: 'shouldRetry in src/http/retry.ts:16-19.',
});

describe('minions ask', () => {
  let ollama: FakeOllama;
  let openai: FakeOpenAI;
  let env: Record<string, string>;
  let flags: string[];
  before(async () => {
    const finder = wordFinder(['shouldRetry']);
    ollama = await FakeOllama.start({
      chat: (b) => {
        const props = (b.format as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
        if ('relevant' in props) return finder(b); // a MinionS job
        if ('answer' in props) return { content: JSON.stringify({ answer: 'shouldRetry decides it (src/http/retry.ts:16).' }) }; // local-only
        return { content: 'shouldRetry decides it (src/http/retry.ts:16).' }; // a Minion reply
      },
    });
    openai = await FakeOpenAI.start({ chat: REMOTE() });
    env = { MINIONS_REMOTE_API_KEY: openai.apiKey };
    flags = ['--local-url', ollama.url, '--remote-url', openai.url, '--remote-model', 'gpt-4o-mini'];
  });
  after(async () => {
    await ollama.close();
    await openai.close();
  });

  test('--json prints exactly the contract object, token figures equal to the servers', async () => {
    openai.chat = REMOTE();
    const before = { local: { ...ollama.reported }, remote: { ...openai.reported } };
    const r = await cli([...flags, '--json', '--protocol', 'minions', '--parallel', '2', 'Where is the retry policy decided?'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', '--json prints nothing else');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const out = JSON.parse(lines[0]!);
    // The original fields first, in their order; what issues 12, 11 and 13 added after them.
    assert.deepEqual(Object.keys(out), ['answer', 'protocol', 'rounds', 'citations', 'jobs', 'usage', 'quality', 'citationChecks', 'status', 'estimate', 'question', 'thread', 'turn']);
    assert.equal(out.status, 'answered');
    assert.equal(out.protocol, 'minions');
    assert.equal(out.rounds, 1);
    assert.deepEqual(out.citations, [{ path: 'src/http/retry.ts', startLine: 16, endLine: 19 }]);
    assert.ok(out.jobs.length > 0);
    for (const j of out.jobs) {
      assert.deepEqual(Object.keys(j).slice(0, 8), ['round', 'task', 'path', 'startLine', 'endLine', 'status', 'answer', 'verified']);
      assert.equal(typeof j.verified, 'boolean');
      if (!j.verified) assert.ok(j.reason, 'an unverified job says why');
      assert.equal(j.cached, false);
      assert.ok(['answered', 'abstained', 'failed'].includes(j.status));
    }
    assert.deepEqual(Object.keys(out.usage), ['local', 'remote', 'baseline', 'baselines', 'savings']);
    assert.deepEqual(Object.keys(out.usage.baselines.sameContext), ['promptTokens', 'completionTokens', 'costUsd', 'tokenizer', 'estimated', 'calls']);
    assert.deepEqual(Object.keys(out.usage.baselines.remoteOnly), ['promptTokens', 'completionTokens', 'costUsd', 'tokenizer', 'estimated']);
    assert.deepEqual(Object.keys(out.usage.local), ['requests', 'promptTokens', 'completionTokens']);
    assert.deepEqual(Object.keys(out.usage.remote), ['requests', 'promptTokens', 'cachedPromptTokens', 'completionTokens', 'costUsd']);
    assert.deepEqual(Object.keys(out.usage.baseline), ['remotePromptTokens', 'remoteCompletionTokens', 'costUsd']);
    assert.deepEqual(Object.keys(out.usage.savings), ['costUsd', 'ratio']);
    assert.equal(out.usage.local.promptTokens, ollama.reported.promptTokens - before.local.promptTokens);
    assert.equal(out.usage.local.completionTokens, ollama.reported.completionTokens - before.local.completionTokens);
    assert.equal(out.usage.remote.promptTokens, openai.reported.promptTokens - before.remote.promptTokens);
    assert.equal(out.usage.remote.completionTokens, openai.reported.completionTokens - before.remote.completionTokens);
    assert.equal(typeof out.usage.remote.costUsd, 'number');
  });

  test('all four protocols run end to end', async () => {
    for (const protocol of ['minion', 'remote', 'local']) {
      openai.chat = REMOTE();
      const r = await cli([...flags, '--json', '--protocol', protocol, 'Where is the retry policy decided?'], env);
      assert.equal(r.code, 0, `${protocol}: ${r.stderr}`);
      const out = JSON.parse(r.stdout);
      assert.equal(out.protocol, protocol);
      assert.match(out.answer, /shouldRetry/);
      if (protocol === 'local') assert.equal(out.usage.remote.requests, 0);
      else assert.ok(out.usage.remote.requests >= 1);
      if (protocol === 'remote') assert.equal(out.usage.local.requests, 0);
      else assert.ok(out.usage.local.requests >= 1);
    }
    // local-only needs no key at all
    const r = await cli([...flags, '--json', '--protocol', 'local', 'retry?'], {});
    assert.equal(r.code, 0, r.stderr);
  });

  test('without --json: progress, the answer and the ledger on stdout, nothing on stderr', async () => {
    openai.chat = REMOTE();
    const r = await cli([...flags, '--protocol', 'minions', 'Where is the retry policy decided?'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /round 1\/3/);
    assert.match(r.stdout, /Decided by shouldRetry/);
    assert.match(r.stdout, /remote:\s+2 requests/);
    // Every job is listed with its state, abstentions included, and the ledger has the baseline and the saving.
    assert.match(r.stdout, /\[\d\/\d\] answered\s+src\/http\/retry\.ts:\d+-\d+/);
    assert.match(r.stdout, /abstained/);
    assert.match(r.stdout, /baseline: same context.*: \d+ prompt .*estimated with o200k_base/);
    assert.match(r.stdout, /baseline: remote-only protocol.*: \d+ prompt/);
    assert.match(r.stdout, /saving: /);
    assert.match(r.stdout, /quality: \d+ verified findings?, \d+ unverified \(not sent to the remote\), \d+ of 1 answer citation unsupported/);
  });

  test('--scope limits every job to the scope (relative to the workspace or the current folder)', async () => {
    openai.chat = REMOTE();
    const r = await cli([...flags, '--json', '--protocol', 'minions', '--scope', 'src/store', 'Where is the retry policy decided?'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.jobs.length > 0, 'the scope is read even though the keywords miss it');
    assert.ok(out.jobs.every((j: { path: string }) => j.path.startsWith('src/store/')));
  });

  test('errors: one `minions: ...` line on stderr and a non-zero exit', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[...flags, 'q'], {}, /^minions: No API key is set for the remote model\. .*MINIONS_REMOTE_API_KEY/],
      [[...flags, 'q'], { MINIONS_REMOTE_API_KEY: 'sk-wrong' }, /^minions: The remote API at .* rejected the API key \(401/],
      [[...flags, '--protocol', 'minions', '--local-model', 'nope:1b', 'q'], env, /^minions: Model "nope:1b" is not installed in Ollama .*ollama pull nope:1b/],
      [['--protocol', 'minions', '--local-url', 'http://127.0.0.1:9', '--remote-url', openai.url, '--remote-model', 'gpt-4o-mini', 'q'], env, /^minions: Cannot reach Ollama at http:\/\/127\.0\.0\.1:9 .*ollama serve/],
      [[...flags, '--remote-model', 'gpt-nope', 'q'], env, /^minions: The remote API at .* has no model "gpt-nope"/],
      [[...flags, '--protocol', 'fast', 'q'], env, /^minions: Unknown protocol 'fast'/],
      [[...flags], env, /^minions: No question given/],
      [[...flags, '--privacy', 'strict', '--protocol', 'remote', 'q'], env, /^minions: The remote-only protocol sends code/],
    ];
    for (const [args, e, pattern] of cases) {
      openai.chat = REMOTE();
      const r = await cli(args, e);
      assert.notEqual(r.code, 0, args.join(' '));
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, pattern);
      assert.ok(!r.stderr.includes('sk-wrong') && !r.stderr.includes(openai.apiKey), 'keys never printed');
    }
  });
});
