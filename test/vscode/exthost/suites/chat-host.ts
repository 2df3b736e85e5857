// @minions and the vscode-lm remote inside a real VS Code (code-server 1.100): what the host
// offers (chat participant API, vscode.lm), the participant's handler driven with a recording
// response stream against the loopback model servers, and the VS Code language-model remote
// over a LanguageModelChat the test provides (code-server has no model provider of its own).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { minionsApi } from './host-basics';
import { waitFor } from '../wait';
import { withServers as withSharedServers } from '../host-support';
import { ANSWER, excerptOf, type ScriptedServers } from './host-fakes';
import type { MinionsChatResult } from '../../../../src/extension/chat/participant';

/** Every call the handler made on the response stream, in order. */
class RecordingStream {
  readonly parts: { kind: string; value: unknown; title?: string }[] = [];
  markdown(value: string | vscode.MarkdownString) { this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value }); }
  anchor(value: vscode.Uri | vscode.Location, title?: string) { this.parts.push({ kind: 'anchor', value, ...(title ? { title } : {}) }); }
  progress(value: string) { this.parts.push({ kind: 'progress', value }); }
  reference(value: vscode.Uri | vscode.Location) { this.parts.push({ kind: 'reference', value }); }
  button(value: vscode.Command) { this.parts.push({ kind: 'button', value }); }
  filetree(value: unknown) { this.parts.push({ kind: 'filetree', value }); }
  push(part: unknown) { this.parts.push({ kind: 'push', value: part }); }
  of(kind: string) { return this.parts.filter((p) => p.kind === kind); }
  text() { return this.of('markdown').map((p) => p.value as string).join(''); }
}

function chatRequest(prompt: string, extra: Partial<Record<'command' | 'references' | 'model', unknown>> = {}): vscode.ChatRequest {
  return { prompt, command: undefined, references: [], toolReferences: [], toolInvocationToken: undefined, ...extra } as unknown as vscode.ChatRequest;
}

/** The shared setup, with the key optional and extra settings (as this suite's calls give them). */
function withServers(body: (s: ScriptedServers) => Promise<void>, withKey = true, extra: [string, unknown][] = []): Promise<void> {
  return withSharedServers(body, { withKey, extra });
}

const noHistory: vscode.ChatContext = { history: [] };
const planQuestion = (s: ScriptedServers) => s.openai.requests.map((r) => r.rawBody).find((b) => b.includes('minions_plan')) ?? '';

suite('chat', () => {
  test('the host offers the chat participant API and vscode.lm (what it offers is logged)', async () => {
    const lm = vscode.lm as unknown as Record<string, unknown>;
    const models = await vscode.lm.selectChatModels();
    console.log(`[host-offers] version=${vscode.version} createChatParticipant=${typeof vscode.chat?.createChatParticipant} selectChatModels=${typeof lm.selectChatModels} `
      + `models=${JSON.stringify(models.map((m) => `${m.vendor}/${m.id}`))} registerLanguageModelChatProvider=${typeof lm.registerLanguageModelChatProvider} registerChatModelProvider=${typeof lm.registerChatModelProvider}`);
    assert.equal(typeof vscode.chat.createChatParticipant, 'function');
    assert.equal(typeof vscode.lm.selectChatModels, 'function');
    assert.ok(Array.isArray(models));
    const { chatHandler } = await minionsApi();
    assert.equal(typeof chatHandler, 'function');
  });

  test('@minions answers with progress, citations as anchors and references, and the ledger footer', async () => {
    const { chatHandler } = await minionsApi();
    await withServers(async (s) => {
      const stream = new RecordingStream();
      const result = (await chatHandler(chatRequest('How does the retry policy back off?'), noHistory, stream as unknown as vscode.ChatResponseStream, new vscode.CancellationTokenSource().token)) as MinionsChatResult;
      assert.equal(result.metadata.status, 'finished', JSON.stringify(result) + stream.text());
      const progress = stream.of('progress').map((p) => p.value as string);
      assert.ok(progress.some((p) => /Round 1\/3: the remote model is planning/.test(p)), progress.join(' | '));
      assert.ok(progress.some((p) => /read \d+\/\d+ chunks, \d+ finding/.test(p)), progress.join(' | '));
      // ANSWER cites src/retry.ts:2-12 and src/retry.ts:9: each becomes an anchor on those lines.
      const anchors = stream.of('anchor').map((a) => a.value as vscode.Location);
      assert.deepEqual(anchors.map((a) => [a.uri.path.endsWith('/src/retry.ts'), a.range.start.line, a.range.end.line]), [[true, 1, 11], [true, 8, 8]]);
      assert.deepEqual(stream.of('anchor').map((a) => a.title), ['src/retry.ts:2-12', 'src/retry.ts:9']);
      assert.equal(stream.of('reference').length, 2);
      const text = stream.text();
      assert.ok(text.startsWith('The retry policy lives in `withRetry` ('), text);
      assert.match(text, /---\n\*remote \d+ requests, \d+ tokens, \$[\d.]+ · local \d+ requests, \d+ tokens, free · remote-only/);
      assert.equal(result.metadata.ledger?.remote.requests, s.openai.reported.requests);
      assert.equal(result.metadata.ledger?.local.promptTokens, s.ollama.reported.promptTokens);
      assert.deepEqual(result.metadata.citations, [{ path: 'src/retry.ts', startLine: 2, endLine: 12 }, { path: 'src/retry.ts', startLine: 9, endLine: 9 }]);
      assert.ok(ANSWER.length > 0);
    });
  }, { timeoutMs: 90_000 });

  test('/bugs on an attached file asks Analyze\'s question about it, read only there; history leads the question', async () => {
    const { chatHandler } = await minionsApi();
    await withServers(async (s) => {
      const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'retry.ts');
      const history = [
        Object.assign(Object.create(vscode.ChatRequestTurn.prototype), { prompt: 'Where is the retry policy?', participant: 'minions.chat', command: undefined, references: [], toolReferences: [] }),
        Object.assign(Object.create(vscode.ChatResponseTurn.prototype), { response: [new vscode.ChatResponseMarkdownPart('It is withRetry in the retry module.')], result: {}, participant: 'minions.chat' }),
      ];
      const stream = new RecordingStream();
      const result = (await chatHandler(chatRequest('', { command: 'bugs', references: [{ id: 'vscode.file', value: file }] }), { history },
        stream as unknown as vscode.ChatResponseStream, new vscode.CancellationTokenSource().token)) as MinionsChatResult;
      assert.equal(result.metadata.status, 'finished', stream.text());
      assert.equal(result.metadata.command, 'bugs');
      const plan = planQuestion(s);
      assert.match(plan, /Find likely bugs in src\/retry\.ts/);
      assert.match(plan, /Earlier in this conversation:.*User: Where is the retry policy\?.*Minions: It is withRetry in the retry module\./s);
      const read = s.ollama.chatBodies().map((b) => excerptOf(b)?.path);
      assert.ok(read.length > 0 && read.every((p) => p === 'src/retry.ts'), read.join(', '));
    });
  }, { timeoutMs: 90_000 });

  test('the chat\'s stop button cancels the run and closes the model requests', async () => {
    const { chatHandler } = await minionsApi();
    await withServers(async (s) => {
      s.setJobDelay(20_000);
      const stop = new vscode.CancellationTokenSource();
      const stream = new RecordingStream();
      const pending = chatHandler(chatRequest('How does the retry policy back off?'), noHistory, stream as unknown as vscode.ChatResponseStream, stop.token);
      await waitFor(() => (s.ollama.server.openRequests().length > 0 ? true : undefined), 'a local job in flight', 30_000);
      stop.cancel();
      const result = (await pending) as MinionsChatResult;
      assert.equal(result.metadata.status, 'cancelled');
      await s.ollama.server.waitUntilNoOpenRequests(5000);
      assert.ok(s.ollama.requests.some((r) => r.abortedByClient));
      assert.match(stream.text(), /Stopped/);
    });
  }, { timeoutMs: 90_000 });
});

/** A LanguageModelChat as an extension providing models would give one: answers by the schema named in the prompt, counts characters / 4. */
function providedModel() {
  const counted = { tokens: 0, requests: 0 };
  const count = (x: string | vscode.LanguageModelChatMessage) => {
    const text = typeof x === 'string' ? x : x.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    const n = Math.max(1, Math.ceil(text.length / 4));
    counted.tokens += n;
    return Promise.resolve(n);
  };
  const model = {
    id: 'test-model-1', name: 'Test Model', vendor: 'minions-test', family: 'test', version: '1', maxInputTokens: 64_000,
    countTokens: count,
    sendRequest(messages: vscode.LanguageModelChatMessage[]) {
      counted.requests++;
      const prompt = messages.map((m) => m.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('')).join('\n');
      const name = /JSON schema named "([^"]+)"/.exec(prompt)?.[1];
      // Prose and a code fence around the JSON, as chat models write it: the tolerant parse copes.
      const json = name === 'minions_plan'
        ? { tasks: [{ instruction: 'Find where failed operations are retried and how the delay grows.', keywords: ['retry', 'delay', 'attempt'], globs: [] }], advice: 'Cite lines.' }
        : { decision: 'answer', answer: ANSWER, missing: '' };
      const reply = `Here it is:\n\`\`\`json\n${JSON.stringify(json)}\n\`\`\``;
      async function* text() { yield reply.slice(0, 10); yield reply.slice(10); }
      return Promise.resolve({ text: text(), stream: text() });
    },
  };
  return { model: model as unknown as vscode.LanguageModelChat, counted };
}

suite('vscode-lm remote', () => {
  test('with minions.remote.provider "vscode-lm", the chat\'s model is the remote: no key, tokens counted here, cost "included in your plan"', async () => {
    const { chatHandler } = await minionsApi();
    await withServers(async (s) => {
      const { model, counted } = providedModel();
      const stream = new RecordingStream();
      const result = (await chatHandler(chatRequest('How does the retry policy back off?', { model }), noHistory, stream as unknown as vscode.ChatResponseStream, new vscode.CancellationTokenSource().token)) as MinionsChatResult;
      assert.equal(result.metadata.status, 'finished', stream.text());
      assert.equal(s.openai.requests.length, 0, 'the API remote was never called');
      assert.ok(counted.requests >= 2, 'planned and answered through the VS Code model');
      const l = result.metadata.ledger!;
      assert.equal(l.remote.requests, counted.requests);
      assert.equal(l.remote.promptTokens + l.remote.completionTokens, counted.tokens, 'every remote token is one countTokens counted');
      assert.match(stream.text(), /tokens \(counted here\), included in your plan/);
      assert.ok(!/\$\d/.test(stream.text().split('---').at(-1)!), 'no dollars for a plan model');
    }, false, [['remote.provider', 'vscode-lm']]);
  }, { timeoutMs: 90_000 });

  test('with "vscode-lm" and no model in this host, the run does not start and says why', async () => {
    const available = await vscode.lm.selectChatModels();
    if (available.length > 0) return; // a host with a provider: the previous test's path applies
    const { services } = await minionsApi();
    await withServers(async () => {
      const facts = await services.setup.gather();
      assert.deepEqual(facts.lmModels, []);
      const outcome = await services.runs.ask('How does the retry policy back off?');
      assert.equal(outcome.status, 'not-started');
    }, false, [['remote.provider', 'vscode-lm']]);
  }, { timeoutMs: 60_000 });
});
