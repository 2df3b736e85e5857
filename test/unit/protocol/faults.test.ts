// The engine under faults: each run either completes (with the failed jobs counted) or ends
// with one clear fatal error; a cancel ends the stream at once and leaves no request open.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { runProtocol } from '../../../src/core/protocol/index';
import { runReport } from '../../../src/shared/run/summary';
import type { RunEvent } from '../../../src/core/protocol/events';
import { collect, ofType, rig, type Rig } from './helpers';
import { wordFinder, scriptedRemote, excerptLines } from '../../support/scripted-models';
import { schemaNameOf } from '../../support/fake-openai';

const Q = 'Where is the retry policy decided?';
const ONE_ROUND = () => scriptedRemote({
  plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry', 'backoff', 'cache', 'config'], globs: [] }]],
  syntheses: [{ answer: 'See src/http/retry.ts:16.' }],
  minion: [{ ask: 'Which function decides retries?' }, { answer: 'shouldRetry, src/http/retry.ts:16.' }],
  answer: 'shouldRetry at src/http/retry.ts:16.',
});

function fatalOf(events: RunEvent[]) {
  const last = events.at(-1)!;
  assert.equal(last.type, 'run-finished');
  assert.equal(last.type === 'run-finished' && last.ok, false);
  const fatal = ofType(events, 'error').filter((e) => e.fatal);
  assert.equal(fatal.length, 1, 'exactly one fatal error');
  return fatal[0]!.error;
}

describe('engine faults', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  test('malformed local JSON: repaired once with the error shown; twice malformed fails only that job', async () => {
    const finder = wordFinder(['shouldRetry']);
    const attempts = new Map<string, number>();
    r = await rig({
      ollama: {
        chat: (body) => {
          const key = excerptLines(body)[0]?.text ?? '';
          const n = (attempts.get(key) ?? 0) + 1;
          attempts.set(key, n);
          if (key.includes('Retry policy')) return n === 1 ? { content: 'Sure! {"relevant": tru' } : finder(body); // repaired
          if (key.includes('LRU')) return { content: 'not json at all' }; // fails twice
          return finder(body);
        },
      },
      openai: { chat: ONE_ROUND() },
    });
    const events = await collect(runProtocol({ question: Q, protocol: 'minions' }, r));
    assert.ok(ofType(events, 'run-finished')[0]!.ok);
    const repairs = r.ollama.chatBodies().filter((b) => b.messages.some((m) => m.content.startsWith('That reply cannot be used')));
    assert.ok(repairs.length >= 2, 'the model is shown its error');
    const s = runReport(events);
    const byPath = (p: string) => s.jobs.find((j) => j.path === p)!;
    assert.equal(byPath('src/http/retry.ts').status, 'answered');
    assert.equal(byPath('src/store/cache.ts').status, 'failed');
    const failed = ofType(events, 'job-finished').find((e) => e.status === 'failed')!;
    assert.equal(failed.error!.code, 'local-bad-output');
    assert.deepEqual(s.usage.local, r.ollama.reported, 'rejected answers are still counted');
  });

  test('malformed remote JSON twice: the run ends with remote-bad-output, clearly', async () => {
    r = await rig({ openai: { chat: () => ({ content: 'Here is my plan: tasks are many' }) } });
    const events = await collect(runProtocol({ question: Q, protocol: 'minions' }, r));
    const err = fatalOf(events);
    assert.equal(err.code, 'remote-bad-output');
    assert.ok(err.hint);
    assert.equal(r.openai.chatBodies().length, 2);
  });

  test('a job that hangs times out and fails alone; the run completes', async () => {
    const finder = wordFinder(['shouldRetry']);
    r = await rig({
      localTimeoutMs: 300,
      ollama: { chat: (body) => (excerptLines(body).some((l) => l.text.includes('LruCache')) ? { hang: true } : finder(body)) },
      openai: { chat: ONE_ROUND() },
    });
    const events = await collect(runProtocol({ question: Q, protocol: 'minions', parallel: 3 }, r));
    assert.ok(ofType(events, 'run-finished')[0]!.ok);
    const failed = ofType(events, 'job-finished').filter((e) => e.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.error!.code, 'local-timeout');
    await r.ollama.server.waitUntilNoOpenRequests(1000);
  });

  test('429 with retry-after on the plan: waited out, the run completes', async () => {
    const script = ONE_ROUND();
    let first = true;
    r = await rig({
      ollama: { chat: wordFinder(['shouldRetry']) },
      openai: { chat: (b, q) => (first ? ((first = false), { status: 429, error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, headers: { 'retry-after': '1' } }) : script(b)) },
    });
    const events = await collect(runProtocol({ question: Q, protocol: 'minions' }, r));
    assert.ok(ofType(events, 'run-finished')[0]!.ok);
    const [a, b] = r.openai.requests;
    assert.ok(b!.receivedAt - a!.receivedAt >= 950);
  });

  test('Ollama down: one fatal local-unreachable naming the URL, no job storm', async () => {
    r = await rig({ openai: { chat: ONE_ROUND() } });
    await r.ollama.close();
    const events = await collect(runProtocol({ question: Q, protocol: 'minions', parallel: 2 }, r));
    const err = fatalOf(events);
    assert.equal(err.code, 'local-unreachable');
    assert.match(err.message, new RegExp(r.ollama.url.replace(/[.:/]/g, '\\$&')));
    assert.match(err.hint!, /ollama serve/);
    const finished = ofType(events, 'job-finished');
    assert.ok(finished.filter((e) => e.error?.code !== 'cancelled').length <= 2, 'stops after the first failures');
    // Every queued job still ends with a state of its own (none is left "running").
    assert.deepEqual(new Set(finished.map((e) => e.jobId)), new Set(ofType(events, 'job-queued').map((e) => e.job.id)));
  });

  test('local model missing: one fatal local-model-missing with the pull command', async () => {
    r = await rig({ ollama: { models: ['llama3.2:1b'] }, openai: { chat: ONE_ROUND() } });
    const err = fatalOf(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(err.code, 'local-model-missing');
    assert.match(err.hint!, /ollama pull qwen2\.5-coder:3b/);
  });

  test('remote key rejected: fatal remote-key-rejected after one request', async () => {
    r = await rig({ remoteKey: 'sk-wrong-key' });
    const err = fatalOf(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(err.code, 'remote-key-rejected');
    assert.equal(r.openai.requests.length, 1);
  });

  test('cancel mid-run: `cancelled` is the last event, within a second, and no request stays open', async () => {
    r = await rig({ ollama: { chat: () => ({ hang: true }) }, openai: { chat: ONE_ROUND() } });
    const ac = new AbortController();
    const events: RunEvent[] = [];
    let cancelledAt = 0;
    for await (const e of runProtocol({ question: Q, protocol: 'minions', parallel: 3 }, r, ac.signal)) {
      events.push(e);
      if (e.type === 'job-started' && !ac.signal.aborted) setTimeout(() => ((cancelledAt = Date.now()), ac.abort()), 50);
    }
    assert.equal(events.at(-1)!.type, 'cancelled');
    assert.equal(events.filter((e) => e.type === 'cancelled' || e.type === 'run-finished').length, 1);
    assert.ok(Date.now() - cancelledAt < 1000);
    assert.ok(r.ollama.server.openRequests().length > 0 || r.ollama.requests.some((q) => q.abortedByClient));
    await r.ollama.server.waitUntilNoOpenRequests(1000);
    await r.openai.server.waitUntilNoOpenRequests(1000);
    assert.ok(r.ollama.requests.every((q) => q.abortedByClient), 'the local server saw every job connection closed');
  });

  test('cancel while planning and while synthesizing', async () => {
    for (const stage of ['minions_plan', 'minions_synthesis']) {
      const script = ONE_ROUND();
      r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: (b) => (schemaNameOf(b) === stage ? { hang: true } : script(b)) } });
      const ac = new AbortController();
      const events: RunEvent[] = [];
      const rg = r;
      // Cancel as soon as the server holds the request of the stage under test.
      const poll = setInterval(() => {
        if (rg.openai.requests.some((q) => schemaNameOf(q.body as never) === stage)) {
          clearInterval(poll);
          ac.abort();
        }
      }, 5);
      for await (const e of runProtocol({ question: Q, protocol: 'minions' }, r, ac.signal)) events.push(e);
      clearInterval(poll);
      assert.equal(events.at(-1)!.type, 'cancelled', stage);
      await r.openai.server.waitUntilNoOpenRequests(1000);
      const hung = r.openai.requests.filter((q) => schemaNameOf(q.body as never) === stage);
      assert.ok(hung.length === 1 && hung[0]!.abortedByClient, `the ${stage} request was cut by the cancel`);
      await r.close();
      r = undefined;
    }
  });

  test('Minion and both baselines: ledgers equal the servers; remote-only is its own baseline', async () => {
    const finder = wordFinder(['shouldRetry']);
    r = await rig({
      ollama: { chat: (b) => ((b.format as { properties?: object } | undefined)?.properties && 'answer' in (b.format as { properties: object }).properties ? { content: '{"answer":"shouldRetry, src/http/retry.ts:16"}' } : b.format ? finder(b) : { content: 'It is shouldRetry at src/http/retry.ts:16.' }) },
      openai: { chat: ONE_ROUND() },
    });
    for (const protocol of ['minion', 'remote', 'local'] as const) {
      r.openai.chat = ONE_ROUND();
      const prior: { l: { promptTokens: number; completionTokens: number }; o: { promptTokens: number } } = { l: { ...r.ollama.reported }, o: { ...r.openai.reported } };
      const events = await collect(runProtocol({ question: Q, protocol }, r));
      assert.ok(ofType(events, 'run-finished')[0]!.ok, protocol);
      const s = runReport(events);
      assert.equal(s.usage.local.promptTokens, r.ollama.reported.promptTokens - prior.l.promptTokens, protocol);
      assert.equal(s.usage.local.completionTokens, r.ollama.reported.completionTokens - prior.l.completionTokens, protocol);
      assert.equal(s.usage.remote.promptTokens, r.openai.reported.promptTokens - prior.o.promptTokens, protocol);
      assert.match(s.answer, /shouldRetry/);
      assert.deepEqual(s.citations[0], { path: 'src/http/retry.ts', startLine: 16, endLine: 16 });
      if (protocol === 'remote') {
        assert.equal(s.usage.baseline.remotePromptTokens, s.usage.remote.promptTokens);
        assert.equal(s.usage.savings.costUsd, 0);
      } else assert.ok(s.usage.baseline.remotePromptTokens > 0);
      if (protocol === 'minion') {
        assert.equal(s.rounds, 2, 'one question, then the answering turn');
        // The remote asked, the local model answered from code, the remote never saw code.
        const remoteText = r.openai.chatBodies().slice(-2).map((b) => JSON.stringify(b.messages)).join('');
        assert.match(remoteText, /Local assistant: It is shouldRetry/);
        assert.ok(!remoteText.includes('return status === 429'));
      }
    }
  });
});
