// `minions mcp` end to end: the real CLI in a child process, driven by the MCP SDK's own client
// over real stdio, against the loopback Ollama and OpenAI servers, over the fixture repo.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Ajv from 'ajv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { FakeOllama } from '../../support/fake-ollama';
import { FakeOpenAI } from '../../support/fake-openai';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { FIXTURE_REPO } from '../protocol/helpers';

const ROOT = join(__dirname, '../../..');
const KEY = 'sk-mcp-test-5f2c9a7e1b';

const REMOTE = () => scriptedRemote({
  plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
  syntheses: [{ answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
  answer: 'shouldRetry in src/http/retry.ts:16-19.',
});

interface Session {
  client: Client;
  /** Every JSON-RPC message in either direction, serialised, and everything the server wrote to stderr. */
  wire: string[];
  stderr: string[];
  close(): Promise<void>;
}

async function connect(args: string[], env: Record<string, string>): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    // These tests exercise MinionS; `auto` (the default) would send the small fixture repo remote-only.
    args: ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'mcp', '--no-cache', '--workspace', FIXTURE_REPO, '--protocol', 'minions', ...args],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    cwd: ROOT,
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  const client = new Client({ name: 'minions-test', version: '1.0.0' });
  await client.connect(transport);
  const wire: string[] = [];
  // Tap both directions after the client installed its own handler.
  const onmessage = transport.onmessage!;
  transport.onmessage = (m: JSONRPCMessage) => {
    wire.push(JSON.stringify(m));
    onmessage(m);
  };
  const send = transport.send.bind(transport);
  transport.send = (m: JSONRPCMessage) => {
    wire.push(JSON.stringify(m));
    return send(m);
  };
  return { client, wire, stderr, close: () => client.close() };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const textOf = (r: unknown) => (((r as { content?: unknown }).content as { type: string; text: string }[] | undefined) ?? []).map((c) => c.text).join('\n');

describe('minions mcp', () => {
  let ollama: FakeOllama;
  let openai: FakeOpenAI;
  let s: Session;
  const finder = wordFinder(['shouldRetry']);
  before(async () => {
    ollama = await FakeOllama.start({ chat: (b) => finder(b) });
    openai = await FakeOpenAI.start({ chat: REMOTE(), apiKey: KEY });
    s = await connect(['--local-url', ollama.url, '--remote-url', openai.url, '--remote-model', 'gpt-4o-mini', '--parallel', '2'], { MINIONS_REMOTE_API_KEY: KEY });
  });
  after(async () => {
    await s?.close();
    await ollama?.close();
    await openai?.close();
  });

  test('lists search, ask and index_status with descriptions and valid input and output schemas', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['ask', 'index_status', 'search']);
    const ajv = new Ajv({ strict: false });
    for (const t of tools) {
      assert.ok((t.description ?? '').length > 80, `${t.name} tells an agent when to use it`);
      assert.equal(t.inputSchema.type, 'object');
      assert.ok(t.outputSchema, `${t.name} has an output schema`);
      ajv.compile(t.inputSchema);
      ajv.compile(t.outputSchema);
    }
    const ask = tools.find((t) => t.name === 'ask')!;
    assert.deepEqual(ask.inputSchema.required, ['question']);
    assert.deepEqual(Object.keys(ask.inputSchema.properties ?? {}).sort(), ['max_usd', 'protocol', 'question', 'scope']);
  });

  test('search: ranked path:line hits with symbols and previews, as text and structuredContent', async () => {
    const { tools } = await s.client.listTools();
    const validate = new Ajv({ strict: false }).compile(tools.find((t) => t.name === 'search')!.outputSchema!);
    const r = await s.client.callTool({ name: 'search', arguments: { query: 'shouldRetry', top: 3 } });
    assert.ok(!r.isError, textOf(r));
    assert.ok(validate(r.structuredContent), JSON.stringify(validate.errors));
    const results = (r.structuredContent as { results: { path: string; startLine: number; endLine: number; preview: string }[] }).results;
    assert.ok(results.length >= 1 && results.length <= 3);
    assert.equal(results[0]!.path, 'src/http/retry.ts');
    assert.ok(results[0]!.preview.length > 0 && results[0]!.preview.length <= 240);
    assert.match(textOf(r), new RegExp(`src/http/retry\\.ts:${results[0]!.startLine}-${results[0]!.endLine}`));
    const scoped = await s.client.callTool({ name: 'search', arguments: { query: 'shouldRetry', scope: ['src/store'] } });
    assert.ok((scoped.structuredContent as { results: { path: string }[] }).results.every((h) => h.path.startsWith('src/store/')));
  });

  test('ask: a cited answer, its findings and its cost equal to what the servers reported, with progress', async () => {
    openai.chat = REMOTE();
    const before = { local: { ...ollama.reported }, remote: { ...openai.reported } };
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const r = await s.client.callTool({ name: 'ask', arguments: { question: 'Where is the retry policy decided?', max_usd: 0.5 } }, undefined,
      { onprogress: (p) => progress.push(p) });
    assert.ok(!r.isError, textOf(r));
    const out = r.structuredContent as {
      answer: string; protocol: string; citations: { path: string; startLine: number; endLine: number }[];
      findings: { path: string; startLine: number; endLine: number; finding: string }[];
      cost: { remoteUsd: number | null; remoteOnlyBaselineUsd: number | null; maxUsd: number | null;
        remoteTokens: { prompt: number; completion: number }; localTokens: { prompt: number; completion: number } };
    };
    assert.equal(out.protocol, 'minions');
    assert.deepEqual(out.citations, [{ path: 'src/http/retry.ts', startLine: 16, endLine: 19 }]);
    // The fake reader reports the lines naming shouldRetry: every finding says so, and cites lines inside a real file.
    assert.ok(out.findings.some((f) => f.path === 'src/http/retry.ts'));
    for (const f of out.findings) {
      assert.match(f.finding, /shouldRetry/);
      assert.ok(f.startLine >= 1 && f.endLine >= f.startLine);
    }
    assert.equal(out.cost.localTokens.prompt, ollama.reported.promptTokens - before.local.promptTokens);
    assert.equal(out.cost.localTokens.completion, ollama.reported.completionTokens - before.local.completionTokens);
    assert.equal(out.cost.remoteTokens.prompt, openai.reported.promptTokens - before.remote.promptTokens);
    assert.equal(out.cost.remoteTokens.completion, openai.reported.completionTokens - before.remote.completionTokens);
    assert.equal(typeof out.cost.remoteUsd, 'number');
    assert.equal(typeof out.cost.remoteOnlyBaselineUsd, 'number');
    assert.equal(out.cost.maxUsd, 0.5);
    const text = textOf(r);
    assert.match(text, /src\/http\/retry\.ts:16-19/);
    assert.match(text, /baseline: remote-only/);
    // Progress: rounds, then jobs done of total, always growing.
    assert.ok(progress.some((p) => /round 1\/3/.test(p.message ?? '')));
    assert.ok(progress.some((p) => /\d+\/\d+ jobs done/.test(p.message ?? '')));
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.progress > progress[i - 1]!.progress, 'progress increases');
  });

  test('ask: cancelling closes the model servers\' requests, and the server goes on serving', async () => {
    openai.chat = REMOTE();
    ollama.chat = () => ({ hang: true });
    const abort = new AbortController();
    const call = s.client.callTool({ name: 'ask', arguments: { question: 'Where is the retry policy decided?' } }, undefined, { signal: abort.signal });
    const rejected = assert.rejects(call);
    await until(() => (ollama.server.openRequests().some((r) => r.path === '/api/chat') ? true : undefined), 'a local job in flight');
    abort.abort();
    await rejected;
    await ollama.server.waitUntilNoOpenRequests(5000);
    const chats = ollama.requests.filter((r) => r.path === '/api/chat' && r.abortedByClient);
    assert.ok(chats.length >= 1, 'the hung job requests were closed by the client');
    ollama.chat = (b) => finder(b);
    const status = await s.client.callTool({ name: 'index_status', arguments: {} });
    assert.ok(!status.isError, textOf(status));
    assert.equal((status.structuredContent as { remoteKeySet: boolean }).remoteKeySet, true);
    assert.ok((status.structuredContent as { files: number }).files >= 4);
  });

  test('bad calls are tool errors with the CLI\'s one-line message, and the server survives them', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ question: 42 }, /Input validation error/],
      [{ question: 'q', protocol: 'fast' }, /Input validation error/],
      [{ question: 'q', scope: ['no/such/dir'] }, /^minions: scope no\/such\/dir does not exist\. Pass a file or folder inside the workspace$/],
      [{ question: 'q', scope: ['../../..'] }, /^minions: scope \.\.\/\.\.\/\.\. is outside the workspace/],
    ];
    for (const [args, pattern] of cases) {
      const r = await s.client.callTool({ name: 'ask', arguments: args });
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.match(textOf(r), pattern);
    }
    // A model server failing mid-run: the engine's one-line error, as a tool error.
    openai.chat = () => ({ status: 500, error: { message: `upstream broke while holding ${KEY}` } });
    const failed = await s.client.callTool({ name: 'ask', arguments: { question: 'Where is the retry policy decided?', protocol: 'remote' } });
    assert.equal(failed.isError, true);
    assert.match(textOf(failed), /^minions: /);
    openai.chat = REMOTE();
    const again = await s.client.callTool({ name: 'search', arguments: { query: 'retry' } });
    assert.ok(!again.isError);
  });

  test('the remote key never appears in any message or log line', () => {
    assert.ok(s.wire.length > 10);
    for (const m of [...s.wire, ...s.stderr]) assert.ok(!m.includes(KEY), `the key leaked: ${m.slice(0, 200)}`);
  });

  test('without a key: ask explains how to set one; search and local-only still work', async () => {
    const keyless = await connect(['--local-url', ollama.url, '--remote-url', openai.url], {});
    try {
      const r = await keyless.client.callTool({ name: 'ask', arguments: { question: 'q' } });
      assert.equal(r.isError, true);
      assert.match(textOf(r), /^minions: No API key is set for the remote model\. .*MINIONS_REMOTE_API_KEY/);
      const hits = await keyless.client.callTool({ name: 'search', arguments: { query: 'shouldRetry' } });
      assert.ok(!hits.isError);
    } finally {
      await keyless.close();
    }
  });
});
