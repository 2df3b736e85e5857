// Issue 7 faults not covered elsewhere: JSON that parses but violates the schema (from either
// side), and an HTTP body cut off mid-JSON by the local server. Each run either completes with
// only the affected job failed, or ends with one typed error that says what to do.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { OpenAICompatibleModel, resetLearnedQuirks } from '../../../src/core/llm/openai';
import { runProtocol } from '../../../src/core/protocol/index';
import type { RunEvent } from '../../../src/core/protocol/events';
import { FakeOllama, type FakeOllamaOptions } from '../../support/fake-ollama';
import { FakeOpenAI, schemaNameOf, type FakeOpenAIOptions, type OpenAIChatBody } from '../../support/fake-openai';
import { memoryIndex } from '../../support/memory-index';

const FAST = { retries: 1, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 1000 };
const JOB_OK = '{"relevant":true,"finding":"It computes the target.","lines":[1],"quote":""}';
const FILES: Record<string, string> = Object.fromEntries(
  ['alpha', 'beta', 'gamma', 'delta'].map((n) => [`src/${n}.ts`, `export const ${n} = target('${n}');\nexport function ${n}Fn() { return target(1); }\n`]));

function remote(plan: unknown = { tasks: [{ instruction: 'Find the target', keywords: ['target'], globs: [] }], advice: '' }) {
  return (b: OpenAIChatBody) => schemaNameOf(b) === 'minions_plan'
    ? { content: JSON.stringify(plan) }
    : { content: JSON.stringify({ decision: 'answer', answer: 'It is computed by target (src/alpha.ts:1).', missing: '' }) };
}

describe('schema violations and cut-off bodies', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  async function run(o: { ollama?: FakeOllamaOptions; openai?: FakeOpenAIOptions }): Promise<{ events: RunEvent[]; ollama: FakeOllama; openai: FakeOpenAI }> {
    resetLearnedQuirks();
    const ollama = await FakeOllama.start({ chat: () => ({ content: JOB_OK }), ...o.ollama });
    const openai = await FakeOpenAI.start({ chat: remote(), ...o.openai });
    open.push(ollama, openai);
    const deps = {
      index: memoryIndex(FILES),
      local: new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b', retry: FAST, timeoutMs: 10_000 }),
      remote: new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o-mini', apiKey: openai.apiKey, retry: FAST }),
    };
    const events: RunEvent[] = [];
    for await (const e of runProtocol({ question: 'where is the target computed?', protocol: 'minions', maxRounds: 1 }, deps)) events.push(e);
    return { events, ollama, openai };
  }
  const jobs = (events: RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'job-finished' }> => e.type === 'job-finished');
  const last = (events: RunEvent[]) => events.at(-1)!;

  test('local JSON that violates the schema: that job fails as local-bad-output after one repair; the run completes', async () => {
    const { events, ollama } = await run({
      ollama: {
        chat: (b) => (b.messages.some((m) => m.content.includes('beta'))
          ? { content: JSON.stringify({ relevant: 'yes', finding: 42, lines: 'many', quote: null }) }
          : { content: JOB_OK }),
      },
    });
    const end = last(events);
    assert.ok(end.type === 'run-finished' && end.ok, JSON.stringify(events.filter((e) => e.type === 'error')));
    const failed = jobs(events).filter((j) => j.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.error!.code, 'local-bad-output');
    assert.ok(failed[0]!.error!.hint, 'says what to do');
    assert.ok(jobs(events).filter((j) => j.status === 'answered').length >= 3, 'the other jobs are untouched');
    assert.ok(ollama.chatBodies().some((b) => b.messages.some((m) => m.content.startsWith('That reply cannot be used'))), 'the model was shown its error once');
  });

  test('the local server cuts its HTTP body off mid-JSON: that job is retried, then fails alone; the run completes', async () => {
    const cut = '{"model":"qwen2.5-coder:3b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"{\\"relev';
    const { events, ollama } = await run({ ollama: { chat: (b) => (b.messages.some((m) => m.content.includes('gamma')) ? { raw: cut } : { content: JOB_OK }) } });
    assert.ok(ollama.chatBodies().filter((b) => b.messages.some((m) => m.content.includes('gamma'))).length >= 2, 'retried');
    const end = last(events);
    assert.ok(end.type === 'run-finished' && end.ok);
    const failed = jobs(events).filter((j) => j.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.error!.code, 'local-bad-output');
    assert.match(failed[0]!.error!.message, /not valid JSON/);
  });

  test('a plan that parses but violates the schema, every time: one fatal remote-bad-output with a hint, no job started', async () => {
    const { events, ollama } = await run({ openai: { chat: remote({ tasks: 'everything', advice: 7 }) } });
    const end = last(events);
    assert.ok(end.type === 'run-finished' && !end.ok);
    const fatal = events.filter((e): e is Extract<RunEvent, { type: 'error' }> => e.type === 'error' && e.fatal);
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0]!.error.code, 'remote-bad-output');
    assert.ok(fatal[0]!.error.hint);
    assert.equal(ollama.chatBodies().length, 0, 'nothing was sent to the workers');
  });

  test('403 from the remote is never retried: one request, remote-key-rejected', async () => {
    const { events, openai } = await run({ openai: { chat: () => ({ status: 403, error: { message: 'Project does not have access', type: 'permission_error' } }) } });
    const fatal = events.filter((e): e is Extract<RunEvent, { type: 'error' }> => e.type === 'error' && e.fatal);
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0]!.error.code, 'remote-key-rejected');
    assert.equal(openai.chatBodies().length, 1);
  });
});
