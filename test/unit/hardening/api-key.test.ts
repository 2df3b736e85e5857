// Issue 7: the API key never appears in error messages, the event stream, the log lines, a
// Markdown export or the CLI's output — even when the server echoes the key back in its error
// body, as some OpenAI-compatible servers do ("Incorrect API key provided: <key>"). The key is
// deliberately not `sk-`-shaped, so no shape-based redaction can hide a leak here.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MinionsError } from '../../../src/core/errors';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { checkRemote } from '../../../src/core/llm/factory';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { OpenAICompatibleModel, resetLearnedQuirks } from '../../../src/core/llm/openai';
import { runProtocol } from '../../../src/core/protocol/index';
import type { RunEvent } from '../../../src/core/protocol/events';
import { formatRunEvent } from '../../../src/extension/logFormat';
import { runToMarkdown } from '../../../src/extension/panel/export-markdown';
import { FakeOllama } from '../../support/fake-ollama';
import { LoopbackServer, sendJson } from '../../support/loopback';
import { wordFinder } from '../../support/scripted-models';
import { makeCanaryWorkspace, removeCanaryWorkspace } from './canary-workspace';

const ROOT = join(__dirname, '../../..');
const KEY = 'hardening-key-ZX81-0123456789-secret';
const FAST = { retries: 1, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 1000 };

interface Echo { status: number; code: string | null; type: string; template: (key: string) => string }
/** Error replies that quote the key the client sent, in OpenAI's error body shape. */
const ECHOES: Record<string, Echo> = {
  '401 key rejected': { status: 401, code: 'invalid_api_key', type: 'invalid_request_error', template: (k) => `Incorrect API key provided: ${k}. You can find your API key in your dashboard.` },
  '403 forbidden': { status: 403, code: null, type: 'permission_error', template: (k) => `Key ${k} is not allowed to use this project` },
  '404 model': { status: 404, code: 'model_not_found', type: 'invalid_request_error', template: (k) => `The model does not exist or key ${k} has no access to it` },
  '400 bad request': { status: 400, code: null, type: 'invalid_request_error', template: (k) => `Bad request from key=${k}` },
  '429 quota': { status: 429, code: 'insufficient_quota', type: 'insufficient_quota', template: (k) => `You exceeded your current quota for ${k}` },
  '500 server': { status: 500, code: null, type: 'server_error', template: (k) => `Internal error while serving Bearer ${k}` },
};

/** An OpenAI-compatible server that answers every request with `echo`, quoting the bearer key. */
async function echoServer(echo: () => Echo): Promise<LoopbackServer> {
  return LoopbackServer.start(({ req, res }) => {
    const auth = String(req.headers.authorization ?? '');
    const key = auth.replace(/^Bearer\s+/, '');
    const e = echo();
    sendJson(res, e.status, { error: { message: e.template(key), type: e.type, param: null, code: e.code } });
  });
}

function assertNoKey(text: string, where: string): void {
  assert.ok(!text.includes(KEY), `the key appeared in ${where}: ${text.slice(0, 300)}`);
}

function assertErrorClean(err: unknown, where: string): MinionsError {
  assert.ok(err instanceof MinionsError, `${where}: ${String(err)}`);
  assertNoKey(err.message, `${where} (message)`);
  assertNoKey(err.hint ?? '', `${where} (hint)`);
  assertNoKey(err.toUserString(), `${where} (toUserString)`);
  assertNoKey(JSON.stringify(err.toJSON()), `${where} (toJSON)`);
  assertNoKey(String(err.stack), `${where} (stack)`);
  const cause = err.cause as { message?: unknown; error?: unknown } | undefined;
  assertNoKey(String(cause?.message ?? '') + JSON.stringify(cause?.error ?? null), `${where} (the client error kept as cause)`);
  assert.ok(err.hint && err.hint.length > 10, `${where}: says what to do`);
  return err;
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ask', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('the API key never leaves through errors, events, logs, exports or CLI output', () => {
  let dir: string;
  let index: WorkspaceIndex;
  let ollama: FakeOllama;
  before(async () => {
    dir = makeCanaryWorkspace();
    index = await openIndex({ roots: [dir], workers: 0 });
    ollama = await FakeOllama.start({ chat: wordFinder(['shouldRetry']) });
  });
  after(async () => {
    await ollama.close();
    await index.dispose();
    removeCanaryWorkspace(dir);
  });

  for (const [name, echo] of Object.entries(ECHOES)) {
    test(`server echoes the key in a ${name} error: the typed error carries no key`, async () => {
      resetLearnedQuirks();
      const server = await echoServer(() => echo);
      try {
        const model = new OpenAICompatibleModel({ role: 'remote', url: `${server.url}/v1`, model: 'gpt-4o-mini', apiKey: KEY, retry: FAST });
        await assert.rejects(model.chat({ messages: [{ role: 'user', content: 'hi' }] }), (e) => {
          assertErrorClean(e, name);
          return true;
        });
        assert.ok(server.requests.length >= 1 && server.requests.every((r) => String(r.headers.authorization).includes(KEY)), 'the server did see (and echo) the key');
      } finally {
        await server.close();
      }
    });
  }

  test('the setup check (GET /models) with an echoed, rejected key: clear error, no key', async () => {
    const server = await echoServer(() => ECHOES['401 key rejected']!);
    try {
      await assert.rejects(checkRemote({ url: `${server.url}/v1`, model: 'gpt-4o-mini', apiKey: KEY }), (e) => {
        assert.equal(assertErrorClean(e, 'checkRemote').code, 'remote-key-rejected');
        return true;
      });
    } finally {
      await server.close();
    }
  });

  test('a run whose remote echoes the key: no key in any event, log line or Markdown export', async () => {
    for (const name of ['401 key rejected', '500 server'] as const) {
      resetLearnedQuirks();
      const server = await echoServer(() => ECHOES[name]!);
      try {
        const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b', retry: FAST });
        const remote = new OpenAICompatibleModel({ role: 'remote', url: `${server.url}/v1`, model: 'gpt-4o-mini', apiKey: KEY, retry: FAST });
        const events: RunEvent[] = [];
        for await (const e of runProtocol({ question: 'Where is the retry policy decided?', protocol: 'minions', maxRounds: 1 }, { index, local, remote })) events.push(e);
        const last = events.at(-1)!;
        assert.ok(last.type === 'run-finished' && !last.ok, `${name}: the run fails clearly`);
        const fatal = events.filter((e): e is Extract<RunEvent, { type: 'error' }> => e.type === 'error' && e.fatal);
        assert.equal(fatal.length, 1);
        assert.ok(fatal[0]!.error.hint, 'with what to do');
        assertNoKey(JSON.stringify(events), `${name}: the event stream`);
        // The log and the export are built from these events; check them without any redaction pass.
        const log = events.map((e) => formatRunEvent(e) ?? '').join('\n');
        assert.match(log, /error|fail/i);
        assertNoKey(log, `${name}: the log lines`);
        assertNoKey(runToMarkdown('run-1', events), `${name}: the Markdown export`);
        assert.deepEqual(ollama.requests.filter((r) => r.rawBody.includes(KEY) || JSON.stringify(r.headers).includes(KEY)), [], 'the local server never sees the key');
      } finally {
        await server.close();
      }
    }
  });

  test('minions ask with a rejected key that the server echoes: one clear line on stderr, no key anywhere in the output', async () => {
    const server = await echoServer(() => ECHOES['401 key rejected']!);
    try {
      for (const json of [false, true]) {
        const r = await cli(['--no-cache', '--workspace', dir, '--local-url', ollama.url, '--remote-url', `${server.url}/v1`,
          '--remote-model', 'gpt-4o-mini', ...(json ? ['--json'] : []), 'Where is the retry policy decided?'], { MINIONS_REMOTE_API_KEY: KEY });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /^minions: The remote API at .* rejected the API key \(401.*MINIONS_REMOTE_API_KEY/);
        assertNoKey(r.stdout, 'stdout');
        assertNoKey(r.stderr, 'stderr');
      }
      assert.ok(server.requests.length >= 1, 'the echoing server was asked');
    } finally {
      await server.close();
    }
  });
});
