// Threads and the streamed answer: a follow-up's remote request carries the earlier turns
// (within budget) and the findings still valid; an edit drops the findings it invalidates; a
// thread read back from disk continues the same; the answer arrives in deltas that add up to
// it; a cancel mid-stream closes the connection the remote is writing on.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { countText } from '../../../src/core/llm/tokens';
import { runProtocol, type RunEvent } from '../../../src/core/protocol/index';
import { JobCache } from '../../../src/core/protocol/job-cache';
import { conversationOf, newThread, threadTotals, turnFromEvents, type Thread } from '../../../src/core/protocol/thread';
import { conversationText } from '../../../src/core/protocol/thread-context';
import { ThreadStore } from '../../../src/core/protocol/thread-store';
import { JsonStringFieldStream } from '../../../src/core/protocol/answer-stream';
import { collect, ofType, rig, FIXTURE_REPO, type Rig } from './helpers';
import { wordFinder } from '../../support/scripted-models';
import { schemaNameOf, type OpenAIChatBody, type OpenAIChatScript } from '../../support/fake-openai';

const Q1 = 'Where is the retry policy decided?';
const Q2 = 'And how long does it wait between attempts?';
const ANSWER1 = 'Retries are decided by `shouldRetry` in src/http/retry.ts:16. The policy keeps ECONNRESET retryable.';
const TASK = { instruction: 'Find where the decision to retry a request is made', keywords: ['shouldRetry', 'retry'], globs: [] };
const BACKOFF = { instruction: 'Find the backoff delays between attempts', keywords: ['backoff', 'delay'], globs: [] };

/** A remote that plans the retry task, answers turn 1, and on a follow-up plans the old task plus the backoff task, then answers. */
function remote(answer2 = 'It waits `backoff(attempt)` (src/http/retry.ts:10).') {
  return (body: OpenAIChatBody): OpenAIChatScript => {
    const name = schemaNameOf(body);
    const user = body.messages.at(-1)!.content;
    if (name === 'minions_plan') return { content: JSON.stringify({ tasks: [TASK], advice: '' }) };
    if (name !== 'minions_synthesis') return { status: 400, error: { message: `unexpected ${name}` } };
    const followUpStart = /Findings \(round 0 of/.test(user);
    if (followUpStart) return { content: JSON.stringify({ decision: 'continue', answer: '', missing: 'the delays', tasks: [TASK, BACKOFF], advice: '' }) };
    const text = user.includes(Q2) ? answer2 : ANSWER1;
    return { content: JSON.stringify({ decision: 'answer', answer: text, missing: '', tasks: [], advice: '' }) };
  };
}

const ask = (question: string, thread: Thread) => ({
  // One reading per job, so local requests count jobs (extra samples would add requests).
  question, protocol: 'minions' as const, maxRounds: 2, parallel: 2, budgets: { samples: 1 },
  ...(thread.turns.length ? { conversation: conversationOf(thread) } : {}),
});

async function turn(r: Rig, index: WorkspaceIndex, thread: Thread, question: string, jobCache?: JobCache): Promise<RunEvent[]> {
  const events = await collect(runProtocol(ask(question, thread), { ...r, index, ...(jobCache ? { jobCache } : {}) }));
  thread.turns.push(turnFromEvents(thread.turns.length + 1, events, index));
  thread.updatedAt = Date.now();
  return events;
}

describe('threads', () => {
  let r: Rig | undefined;
  let dir: string;
  afterEach(async () => {
    await r?.close();
    r = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a follow-up sends the earlier turn and its findings, plans what is missing, and reuses the cached jobs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thread-'));
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry', 'backoff']) }, openai: { chat: remote() } });
    const cache = JobCache.inDir(dir);
    const thread = newThread();
    await turn(r, r.index, thread, Q1, cache);
    assert.equal(thread.turns[0]!.answer, ANSWER1);
    assert.ok(thread.turns[0]!.findings.length > 0, 'turn 1 kept its findings');
    const sentBefore = r.openai.chatBodies().length;
    const localBefore = r.ollama.chatBodies().length;

    const events = await turn(r, r.index, thread, Q2, cache);
    const convo = ofType(events, 'conversation');
    assert.equal(convo.length, 1);
    assert.deepEqual({ turn: convo[0]!.turn, earlier: convo[0]!.earlierTurns, stale: convo[0]!.stale }, { turn: 2, earlier: 1, stale: [] });
    assert.equal(convo[0]!.findings, thread.turns[0]!.findings.length);

    const bodies = r.openai.chatBodies().slice(sentBefore);
    assert.deepEqual(bodies.map(schemaNameOf), ['minions_synthesis', 'minions_synthesis'], 'no plan call: the follow-up starts from a synthesis');
    const first = bodies[0]!.messages.at(-1)!.content;
    assert.ok(first.includes(`Question: ${Q1}`) && first.includes(ANSWER1), 'the earlier question and answer reach the remote');
    assert.ok(first.includes(thread.turns[0]!.findings[0]!.text), 'the earlier findings reach the remote');
    assert.ok(bodies[1]!.messages.at(-1)!.content.includes(Q1), 'the final synthesis knows the conversation too');

    const jobs = ofType(events, 'job-finished');
    const cached = jobs.filter((j) => j.cached).length;
    assert.ok(cached > 0, 'the repeated task comes from the cache');
    assert.equal(r.ollama.chatBodies().length - localBefore, jobs.length - cached, 'only the new task is read');
    assert.match(ofType(events, 'answer')[0]!.markdown, /backoff/);
    assert.equal(thread.turns[1]!.ledger.local.requests, jobs.length - cached, "the follow-up's ledger counts only what it spent");
    const totals = threadTotals(thread);
    assert.equal(totals.turns, 2);
    assert.equal(totals.remoteTokens, thread.turns.reduce((n, t) => n + t.ledger.remote.promptTokens + t.ledger.remote.completionTokens, 0));
  });

  test('the earlier turns stay within the conversation budget, newest kept first', () => {
    const earlier = Array.from({ length: 12 }, (_, i) => ({ question: `Question ${i} about the retry loop?`, answer: `Answer ${i}: ${'the client retries with backoff and jitter; '.repeat(60)}` }));
    const text = conversationText(earlier, 800);
    assert.ok(countText(text) <= 800 + 20, `within budget (${countText(text)} tokens)`);
    assert.ok(text.includes('Question 11'), 'the newest turn is kept');
    assert.ok(!text.includes('Question 0 '), 'the oldest goes first');
    assert.match(text, /earlier turn\(s\) left out/);
  });

  test('an edit drops the findings it invalidates, and says which', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thread-'));
    const repo = join(dir, 'repo');
    cpSync(FIXTURE_REPO, repo, { recursive: true });
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry', 'backoff']) }, openai: { chat: remote() } });
    const index = await openIndex({ roots: [repo], workers: 0 });
    try {
      const thread = newThread();
      await turn(r, index, thread, Q1);
      const found = thread.turns[0]!.findings;
      const inRetry = found.filter((f) => f.citation.path === 'src/http/retry.ts');
      assert.ok(inRetry.length > 0);
      const file = join(repo, 'src/http/retry.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace('shouldRetry', 'mayRetry'));
      await index.refresh();
      const sentBefore = r.openai.chatBodies().length;
      const events = await turn(r, index, thread, Q2);
      const convo = ofType(events, 'conversation')[0]!;
      assert.deepEqual(convo.stale, inRetry.map((f) => f.citation), 'the edited file\'s findings are stale');
      assert.equal(convo.findings, found.length - inRetry.length);
      const first = r.openai.chatBodies()[sentBefore]!.messages.at(-1)!.content;
      for (const f of inRetry) assert.ok(!first.includes(f.text), 'a stale finding is not sent');
      assert.deepEqual(thread.turns[1]!.stale, convo.stale, 'the turn records what went stale');
    } finally {
      await index.dispose();
    }
  });

  test('a thread read back from disk (a reload) continues the same way', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thread-'));
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry', 'backoff']) }, openai: { chat: remote() } });
    const store = new ThreadStore(join(dir, 'threads'));
    const thread = newThread();
    await turn(r, r.index, thread, Q1);
    await store.save(thread);
    const reopened = new ThreadStore(join(dir, 'threads'));
    const back = await reopened.get(thread.id);
    assert.deepEqual(back, thread);
    assert.deepEqual((await reopened.latest())?.id, thread.id);
    assert.deepEqual(conversationOf(back!), conversationOf(thread));
    assert.deepEqual((await reopened.list()).map((t) => [t.id, t.title, t.turns]), [[thread.id, Q1, 1]]);
    assert.equal(await reopened.remove(thread.id), true);
    assert.equal(await reopened.get(thread.id), undefined);
  });
});

describe('the streamed answer', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  test('the field is decoded however the JSON is cut', () => {
    const answer = 'Tab\there, "quoted", back\\slash, unicode \u00e9 \ud83d\ude00 and a newline\nend';
    const json = JSON.stringify({ decision: 'answer', tasks: [{ answer: 'not this one' }], answer, missing: '' }).replace(/é/g, '\\u00e9').replace('\ud83d\ude00', '\\ud83d\\ude00');
    for (let size = 1; size <= 7; size++) {
      const s = new JsonStringFieldStream('answer');
      let out = '';
      for (let i = 0; i < json.length; i += size) out += s.push(json.slice(i, i + size));
      assert.equal(out, answer, `pieces of ${size}`);
    }
  });

  test('deltas add up to the answer, streamed from the remote with usage counted', async () => {
    const answer = 'Retries are decided by `shouldRetry` (src/http/retry.ts:16); <img src=x onerror=alert(1)> stays text.';
    r = await rig({
      ollama: { chat: wordFinder(['shouldRetry']) },
      openai: { chat: (body) => (schemaNameOf(body) === 'minions_plan' ? { content: JSON.stringify({ tasks: [TASK], advice: '' }) } : { content: JSON.stringify({ decision: 'answer', answer, missing: '' }) }) },
    });
    const events = await collect(runProtocol({ question: Q1, protocol: 'minions', maxRounds: 1 }, r));
    const deltas = ofType(events, 'answer-delta');
    assert.ok(deltas.length > 3, 'several deltas');
    assert.equal(deltas.map((d) => d.text).join(''), answer);
    assert.equal(ofType(events, 'answer')[0]!.markdown, answer);
    assert.ok(deltas.every((d) => !d.reset));
    const synthesisBody = r.openai.chatBodies().find((b) => schemaNameOf(b) === 'minions_synthesis')!;
    assert.equal(synthesisBody.stream, true);
    assert.deepEqual(synthesisBody.stream_options, { include_usage: true });
    const last = events.at(-1)!;
    assert.ok(last.type === 'run-finished' && last.ledger.remote.promptTokens === r.openai.reported.promptTokens, 'the streamed usage is counted');
  });

  test('cancel mid-stream closes the connection at once', async () => {
    const answer = 'A long answer, written slowly. '.repeat(40);
    r = await rig({
      ollama: { chat: wordFinder(['shouldRetry']) },
      openai: { chat: (body) => (schemaNameOf(body) === 'minions_plan' ? { content: JSON.stringify({ tasks: [TASK], advice: '' }) } : { content: JSON.stringify({ decision: 'answer', answer, missing: '' }), chunkDelayMs: 40 }) },
    });
    const abort = new AbortController();
    const events: RunEvent[] = [];
    let cancelledAt = 0;
    for await (const e of runProtocol({ question: Q1, protocol: 'minions', maxRounds: 1 }, r, abort.signal)) {
      events.push(e);
      if (e.type === 'answer-delta' && !abort.signal.aborted) {
        cancelledAt = Date.now();
        abort.abort();
      }
    }
    assert.equal(events.at(-1)!.type, 'cancelled');
    const synthesis = r.openai.requests.find((q) => schemaNameOf(q.body as OpenAIChatBody) === 'minions_synthesis')!;
    const deadline = Date.now() + 5000;
    while (!synthesis.closed && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    assert.ok(synthesis.abortedByClient, 'the server saw the client close the connection');
    assert.ok(Date.now() - cancelledAt < 5000);
    assert.equal(ofType(events, 'answer').length, 0);
  });
});
