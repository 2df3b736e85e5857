// Issue 7, privacy end to end: over a workspace whose `.env`, `id_rsa`, `*.pem`, `*.key`,
// `.minionsignore`d and `.gitignore`d files hold a canary, every protocol (in the engine and
// through the spawned `minions ask`) sends no byte of the canary, nor the API key, to either
// loopback server — while the ordinary code does reach them, so the capture is known to work.
// With privacy `strict`, no line of source text reaches the remote; with `standard` (the
// contrast that lets the strict check fail) the workers' quotes do.
import { describe, test, before, after, afterEach, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { OpenAICompatibleModel, resetLearnedQuirks } from '../../../src/core/llm/openai';
import { runProtocol } from '../../../src/core/protocol/index';
import type { RunEvent } from '../../../src/core/protocol/events';
import { FakeOllama, type OllamaChatBody, type OllamaChatScript } from '../../support/fake-ollama';
import { FakeOpenAI } from '../../support/fake-openai';
import type { RecordedRequest } from '../../support/loopback';
import { excerptLines, scriptedRemote, wordFinder } from '../../support/scripted-models';
import { CANARY, INJECTION, SECRET_FILES, VISIBLE, makeCanaryWorkspace, removeCanaryWorkspace, sourceLinesOf } from './canary-workspace';

const ROOT = join(__dirname, '../../..');
const FAST = { retries: 1, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 2000 };
const PROTOCOLS = ['minions', 'minion', 'remote', 'local'] as const;
const QUESTION = 'Where is the retry policy decided, and what does it wait between attempts?';

const REMOTE = () => scriptedRemote({
  plans: [[{ instruction: 'Find where the decision to retry is made', keywords: ['shouldRetry', 'retry', 'backoff'], globs: [] }]],
  syntheses: [{ answer: 'Retries are decided by `shouldRetry` (src/http/retry.ts:11-14).' }],
  minion: [{ ask: 'Which function decides whether to retry, and what does it check?' }, { answer: 'shouldRetry in src/http/retry.ts:11.' }],
  answer: 'shouldRetry in src/http/retry.ts:11-14.',
});

/** A local model for every protocol: MinionS jobs find `shouldRetry`; Minion chat and local-only answer. */
function localModel(chatReply: (body: OllamaChatBody) => string = () => 'shouldRetry decides it (src/http/retry.ts:11).') {
  const finder = wordFinder(['shouldRetry', 'backoff']);
  return (body: OllamaChatBody): OllamaChatScript => {
    const props = (body.format as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    if ('relevant' in props) return finder(body);
    if ('answer' in props) return { content: JSON.stringify({ answer: 'shouldRetry decides it (src/http/retry.ts:11).' }) };
    return { content: chatReply(body) };
  };
}

/** Occurrences of `needle` in everything a request carried: body bytes and headers. */
function occurrences(req: RecordedRequest, needle: string): number {
  const text = req.rawBody + '\n' + JSON.stringify(req.headers);
  return text.split(needle).length - 1;
}

function leaks(requests: RecordedRequest[], needle: string): { requests: number; bytes: number } {
  let n = 0;
  let bytes = 0;
  for (const r of requests) {
    const k = occurrences(r, needle);
    if (k > 0) {
      n++;
      bytes += k * Buffer.byteLength(needle);
    }
  }
  return { requests: n, bytes };
}

/**
 * Checks the captured requests for the canary and the key (the key only outside the remote's
 * Authorization header) and leaves the figures in the test's diagnostics for the fault matrix.
 */
function leakCheck(t: TestContext, requests: RecordedRequest[], key: string, localRequests: RecordedRequest[]): { requests: number; bytes: number } {
  const canary = leaks(requests, CANARY);
  const keyInBodies = requests.filter((r) => r.rawBody.includes(key)).length;
  const keyToLocal = leaks(localRequests, key);
  const total = { requests: canary.requests + keyInBodies + keyToLocal.requests, bytes: canary.bytes + keyToLocal.bytes + keyInBodies * Buffer.byteLength(key) };
  t.diagnostic(`leak-check ${JSON.stringify({ requestsCaptured: requests.length, requestsLeaking: total.requests, secretBytesSent: total.bytes })}`);
  return total;
}

/** The remote's view: every message text of every chat request, parsed out of the JSON. */
function remoteText(openai: FakeOpenAI): string {
  return openai.chatBodies().flatMap((b) => b.messages.map((m) => m.content)).join('\n');
}

async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

function finishedOk(events: RunEvent[]): void {
  const last = events.at(-1)!;
  assert.ok(last.type === 'run-finished' && last.ok, JSON.stringify(events.filter((e) => e.type === 'error')));
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ask', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('privacy end to end: secrets and ignored files never reach either server', () => {
  let dir: string;
  let index: WorkspaceIndex;
  const servers: { close(): Promise<void> }[] = [];
  before(async () => {
    dir = makeCanaryWorkspace();
    index = await openIndex({ roots: [dir], workers: 0 });
  });
  after(async () => {
    await index.dispose();
    removeCanaryWorkspace(dir);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function servePair(chatReply?: (body: OllamaChatBody) => string) {
    resetLearnedQuirks();
    const ollama = await FakeOllama.start({ chat: localModel(chatReply) });
    const openai = await FakeOpenAI.start({ chat: REMOTE(), apiKey: 'sk-hardening-key-0123456789abcdef' });
    servers.push(ollama, openai);
    const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b', timeoutMs: 10_000, retry: FAST });
    const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o-mini', apiKey: openai.apiKey, retry: FAST });
    return { ollama, openai, local, remote };
  }

  test('the index leaves out every secret-looking and ignored file', () => {
    const paths = index.files().map((f) => f.path);
    for (const s of SECRET_FILES) assert.ok(!paths.includes(s), `${s} was indexed`);
    assert.ok(paths.includes('src/http/retry.ts') && paths.includes('src/config.ts'));
    assert.equal(index.search(CANARY).length, 0);
  });

  for (const protocol of PROTOCOLS) {
    test(`${protocol}: no canary byte and no key byte in any request body to either server; the code itself does travel`, async (t) => {
      const s = await servePair();
      const events = await collect(runProtocol({ question: QUESTION, protocol, maxRounds: 1 }, { index, local: s.local, remote: s.remote }));
      finishedOk(events);
      const all = [...s.ollama.requests, ...s.openai.requests];
      assert.deepEqual(leakCheck(t, all, s.openai.apiKey, s.ollama.requests), { requests: 0, bytes: 0 });
      assert.deepEqual(leaks(all, CANARY), { requests: 0, bytes: 0 });
      // The key travels only in the remote's Authorization header: never in a body, never to the local server.
      assert.equal(all.filter((r) => r.rawBody.includes(s.openai.apiKey)).length, 0);
      assert.deepEqual(leaks(s.ollama.requests, s.openai.apiKey), { requests: 0, bytes: 0 });
      assert.ok(!JSON.stringify(events).includes(CANARY) && !JSON.stringify(events).includes(s.openai.apiKey), 'nor in the event stream');
      // The capture works: the ordinary file's marker went to whichever model reads code.
      const readers = protocol === 'remote' ? s.openai.requests : s.ollama.requests;
      assert.ok(readers.some((r) => r.rawBody.includes(VISIBLE)), 'the ordinary code reached the reading model');
      if (protocol !== 'remote') assert.ok(s.ollama.requests.some((r) => r.rawBody.includes(INJECTION)), 'the injection file was read, as data');
    });
  }

  test('control: with the ignore files emptied, the same run does send the ignored files\' canary (the check can fail)', async () => {
    const open = makeCanaryWorkspace();
    writeFileSync(join(open, '.minionsignore'), '');
    writeFileSync(join(open, '.gitignore'), '');
    const openIdx = await openIndex({ roots: [open], workers: 0 });
    try {
      const s = await servePair();
      finishedOk(await collect(runProtocol({ question: QUESTION, protocol: 'minions', maxRounds: 1 }, { index: openIdx, local: s.local, remote: s.remote })));
      assert.ok(leaks(s.ollama.requests, CANARY).bytes > 0, 'private/notes.ts and local/overrides.ts are read once not ignored');
    } finally {
      await openIdx.dispose();
      removeCanaryWorkspace(open);
    }
  });

  test('minions ask (spawned CLI), all four protocols: no canary or key byte in any request, nor in its output', async (t) => {
    const s = await servePair();
    const env = { MINIONS_REMOTE_API_KEY: s.openai.apiKey };
    for (const protocol of PROTOCOLS) {
      s.openai.chat = REMOTE();
      const r = await cli(['--no-cache', '--workspace', dir, '--local-url', s.ollama.url, '--remote-url', s.openai.url,
        '--remote-model', 'gpt-4o-mini', '--protocol', protocol, '--json', QUESTION], env);
      assert.equal(r.code, 0, `${protocol}: ${r.stderr}`);
      assert.match(JSON.parse(r.stdout).answer, /shouldRetry/);
      for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(CANARY) && !out.includes(s.openai.apiKey), `${protocol} printed a secret`);
    }
    const all = [...s.ollama.requests, ...s.openai.requests];
    assert.ok(s.ollama.requests.length > 0 && s.openai.requests.length > 0);
    assert.deepEqual(leakCheck(t, all, s.openai.apiKey, s.ollama.requests), { requests: 0, bytes: 0 });
    assert.deepEqual(leaks(all, CANARY), { requests: 0, bytes: 0 });
    assert.equal(all.filter((r) => r.rawBody.includes(s.openai.apiKey)).length, 0);
    assert.deepEqual(leaks(s.ollama.requests, s.openai.apiKey), { requests: 0, bytes: 0 });
    assert.ok(s.ollama.requests.some((r) => r.rawBody.includes(VISIBLE)));
  });

  // Workers that paste the code they read into every answer: the worst case for strict privacy.
  const quotingWorker = (body: OllamaChatBody) => {
    const code = excerptLines(body).map((l) => l.text);
    return `The excerpt says:\n${code.join('\n')}\nnotably \`${code.find((l) => l.includes('shouldRetry')) ?? code[0] ?? ''}\``;
  };
  const MIN_LINE = 20;

  for (const protocol of ['minions', 'minion'] as const) {
    test(`${protocol}, strict: no source line of ${MIN_LINE}+ characters reaches the remote; standard: the workers' quotes do`, async (t) => {
      const lines = sourceLinesOf(dir, MIN_LINE);
      assert.ok(lines.length >= 15);
      const seen: Record<'strict' | 'standard', string[]> = { strict: [], standard: [] };
      for (const privacy of ['standard', 'strict'] as const) {
        const s = await servePair(quotingWorker);
        const ollamaChat = s.ollama.chat;
        // MinionS jobs: a finding and a quote that copy the excerpt verbatim.
        s.ollama.chat = (body, req) => {
          const props = (body.format as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
          if (!('relevant' in props)) return ollamaChat(body, req);
          const code = excerptLines(body);
          return { content: JSON.stringify({ relevant: true, finding: quotingWorker(body), lines: code.slice(0, 3).map((l) => l.line), quote: code.find((l) => l.text.includes('shouldRetry'))?.text ?? code[0]?.text ?? '' }) };
        };
        finishedOk(await collect(runProtocol({ question: QUESTION, protocol, privacy, maxRounds: 1 }, { index, local: s.local, remote: s.remote })));
        const text = remoteText(s.openai);
        seen[privacy] = lines.filter((l) => text.includes(l));
        if (privacy === 'strict') assert.match(text, /src\/http\/retry\.ts/, 'paths still go under strict');
        assert.deepEqual(leakCheck(t, [...s.ollama.requests, ...s.openai.requests], s.openai.apiKey, s.ollama.requests), { requests: 0, bytes: 0 });
      }
      assert.deepEqual(seen.strict, [], 'strict: source lines reached the remote');
      assert.ok(seen.standard.length > 0, 'standard lets the workers quote code, so this check can see a leak');
    });
  }
});
