// Issue 11 over the loopback servers: the two baselines, retries in the ledger, the spend cap,
// Auto's choice, partial runs and Retry answer, reasoning models, and what left the machine.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runProtocol, retryAnswer } from '../../../src/core/protocol/index';
import { runReport as summarizeRun } from '../../../src/shared/run/summary';
import { sameContextPrompt } from '../../../src/core/protocol/baseline';
import { estimateRun, chooseProtocol } from '../../../src/core/protocol/auto';
import { resolveRequest } from '../../../src/core/protocol/request';
import { openIndex } from '../../../src/core/index/index';
import { OpenAICompatibleModel } from '../../../src/core/llm/openai';
import { countMessages, countText } from '../../../src/core/llm/tokens';
import { priceOf } from '../../../src/core/ledger/pricing';
import { scriptedRemote, wordFinder } from '../../support/scripted-models';
import type { OpenAIChatBody, OpenAIChatScript } from '../../support/fake-openai';
import { collect, ofType, rig, type Rig } from './helpers';

const Q = 'Where is the retry policy decided?';
const ROOT = join(__dirname, '../../..');
const script = () => scriptedRemote({
  plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
  syntheses: [{ answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
  answer: 'shouldRetry in src/http/retry.ts:16-19.',
});
/** The scripted remote, reporting o200k counts of what it was sent (as OpenAI bills GPT-4o-family models). */
const billedExactly = (inner: (b: OpenAIChatBody) => OpenAIChatScript) => (b: OpenAIChatBody): OpenAIChatScript => {
  const r = inner(b);
  const schema = b.response_format?.json_schema ? countText(JSON.stringify(b.response_format.json_schema.schema)) : 0;
  return { ...r, usage: { prompt: countMessages(b.messages as never) + schema, completion: countText(r.content ?? ''), ...r.usage } };
};

describe('ledger, cap and outcomes (issue 11)', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  test('remote-only compared with itself is exactly 1x, a repaired answer included', async () => {
    let n = 0;
    r = await rig({ openai: { chat: (b) => (n++ === 0 ? { content: 'not json' } : script()(b)) } });
    const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'remote' }, r)));
    assert.equal(s.status, 'answered');
    assert.equal(s.usage.remote.requests, 2);
    assert.equal(s.usage.savings.ratio, 1);
    assert.equal(s.usage.savings.costUsd, 0);
    assert.equal(s.usage.baselines!.remoteOnly.costUsd, s.usage.remote.costUsd);
    assert.equal(s.usage.baselines!.remoteOnly.estimated, false);
  });

  test('both baselines are reported; the headline is the smaller; jobs that all time out never report a larger saving', async () => {
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: script() } });
    const ok = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(ok.status, 'answered');
    const b = ok.usage.baselines!;
    assert.ok(b.sameContext.calls >= 1 && b.sameContext.promptTokens > 0);
    assert.equal(b.sameContext.tokenizer, 'o200k_base');
    assert.ok(b.remoteOnly.promptTokens > 0 && b.remoteOnly.estimated);
    assert.equal(ok.usage.baseline.costUsd, Math.min(b.sameContext.costUsd!, b.remoteOnly.costUsd!));
    await r.close();

    r = await rig({ ollama: { chat: () => ({ delayMs: 2_000, content: '{}' }) }, openai: { chat: script() }, localTimeoutMs: 100 });
    const slow = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions', parallel: 4 }, r)));
    assert.equal(slow.status, 'failed', 'no answer made from nothing');
    assert.match(slow.error!.message, /^all \d+ local jobs failed: /);
    assert.equal(slow.usage.baselines!.sameContext.calls, 0, 'failed jobs are not in the same-context baseline');
    // Nothing answered, nothing to compare against: no baseline, so never a saving. (Compared
    // with the answered run's saving, this only held while that run saved money, which on this
    // two-file fixture depends on how many chunks the search passes on.)
    assert.equal(slow.usage.baseline.costUsd, 0, 'no answered job, no baseline');
    assert.ok((slow.usage.savings.costUsd ?? 0) <= 0, 'a run whose jobs all failed never reports a saving');
    assert.ok((slow.usage.savings.costUsd ?? 0) <= Math.max(0, ok.usage.savings.costUsd ?? 0));
    assert.ok(slow.jobs.every((j) => j.status === 'failed'), 'every job has a terminal state');
  });

  test('the same-context baseline never holds a request over the model context', async () => {
    const index = await openIndex({ roots: [join(ROOT, 'src/core')], workers: 0 });
    try {
      const chunks = index.files().flatMap((f) => index.chunksOf(f.path));
      const window = 12_000;
      const c = sameContextPrompt(Q, chunks, 'gpt-4o', window);
      assert.ok(c.calls > 1);
      assert.ok(c.largestRequest <= window - 3000, `largest ${c.largestRequest}`);
    } finally {
      await index.dispose();
    }
  });

  test('a request the server finished after the client timed out is counted (estimated), then the retry', async () => {
    let n = 0;
    r = await rig({ openai: { chat: (b) => (n++ === 0 ? { delayMs: 1_500, billedAfterClientGone: true, content: '{}' } : script()(b)) } });
    const remote = new OpenAICompatibleModel({ role: 'remote', url: r.openai.url, model: 'gpt-4o-mini', apiKey: r.openai.apiKey, timeoutMs: 300, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 1000 } });
    const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'remote' }, { ...r, remote })));
    assert.equal(s.status, 'answered');
    assert.equal(s.usage.remote.requests, r.openai.reported.requests, 'every request the server billed is in the ledger');
    assert.equal(s.usage.remote.unreported?.requests, 1);
    assert.ok(s.usage.remote.unreported!.promptTokens > 0);
    assert.equal(s.usage.remote.unreported!.tokenizer, 'o200k_base', 'labelled with the tokenizer it was counted with');
    assert.equal(s.remoteRequests.length, 2);
    assert.equal(s.remoteRequests[0]!.attempt.timedOut, true);
  });

  test('the spend cap: below one plan call nothing is sent; otherwise spend stays within it, priced from reported tokens', async () => {
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: billedExactly(script()) } });
    const refused = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions', budget: { maxUsd: 0.0001 } }, r)));
    assert.equal(r.openai.requests.length, 0, 'nothing sent');
    assert.equal(refused.reason, 'budget');
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.code, 'budget-exceeded');

    // A three-round script under a range of caps: spend never passes the cap (priced from what
    // the server reported), and where the cap leaves no room for another round the run answers
    // from the findings it has, with reason `budget`.
    const threeRounds = () => billedExactly(scriptedRemote({
      plans: [[{ instruction: 'Find where retries are decided', keywords: ['shouldRetry', 'retry'], globs: [] }]],
      syntheses: [{ missing: 'the caller' }, { missing: 'the defaults' }, { answer: 'Decided by shouldRetry at src/http/retry.ts:16-19.' }],
    }));
    const reasons: string[] = [];
    for (const cap of [0.0016, 0.0025, 0.004, 0.006, 0.01]) {
      r.openai.chat = threeRounds();
      const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions', budget: { maxUsd: cap } }, r)));
      assert.ok(s.usage.remote.costUsd! <= cap, `spent ${s.usage.remote.costUsd} under a cap of ${cap}`);
      reasons.push(`${s.status}/${s.reason ?? ''}/${s.rounds}`);
    }
    assert.ok(reasons.some((x) => x.startsWith('answered/budget/')), reasons.join(' '));
    assert.ok(reasons.includes('answered//3'), `a cap that is high enough changes nothing: ${reasons.join(' ')}`);

    const tokens = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions', budget: { maxRemoteTokens: 9000 } }, r)));
    assert.ok(tokens.usage.remote.promptTokens + tokens.usage.remote.completionTokens <= 9000);
  });

  test('a USD cap on a model without a price is refused before any request, naming the setting', async () => {
    r = await rig({ openai: { chat: script(), models: ['house-model'] }, remoteModel: 'house-model' });
    const events = await collect(runProtocol({ question: Q, protocol: 'minions', budget: { maxUsd: 1 } }, r));
    const s = summarizeRun(events);
    assert.equal(s.status, 'failed');
    assert.match(s.error!.hint!, /minions\.prices/);
    assert.equal(r.openai.requests.length, 0);
  });

  test('auto: a tiny scope goes remote-only, a real repository goes MinionS, and says why', async () => {
    r = await rig({ openai: { chat: script() } });
    const events = await collect(runProtocol({ question: Q, protocol: 'auto', scope: ['src/http'] }, r));
    const started = ofType(events, 'run-started')[0]!;
    assert.equal(started.protocol, 'remote');
    assert.match(started.protocolReason!, /remote-only ~\d+ remote tokens/);
    const index = await openIndex({ roots: [ROOT], include: ['src/**'], workers: 0 });
    try {
      const req = resolveRequest({ question: 'How does the engine decide what a run costs?', protocol: 'minions' }, 16_384);
      const choice = chooseProtocol(req, estimateRun(req, index, 'gpt-4o', priceOf('gpt-4o')));
      assert.equal(choice.protocol, 'minions', choice.reason);
    } finally {
      await index.dispose();
    }
  });

  test('a synthesis that fails after jobs ran ends partial with every finding; Retry answer reuses them, no local request', async () => {
    const good = script();
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: (b) => (JSON.stringify(b).includes('minions_synthesis') ? { content: 'garbage' } : good(b)) } });
    const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(s.status, 'partial');
    assert.equal(s.error?.code, 'remote-bad-output');
    const answered = s.jobs.filter((j) => j.status === 'answered');
    assert.ok(answered.length > 0 && answered.every((j) => j.citation && j.answer));
    assert.ok(s.usage.remote.requests >= 3 && s.usage.local.requests > 0);

    const localBefore = r.ollama.requests.length;
    r.openai.chat = script();
    const again = summarizeRun(await collect(retryAnswer({ question: Q, protocol: 'minions', jobs: s.jobs }, r)));
    assert.equal(again.status, 'answered');
    assert.match(again.answer, /shouldRetry/);
    assert.equal(r.ollama.requests.length, localBefore, 'the local server saw no request');
    assert.equal(again.usage.local.requests, 0);
    const sent = r.openai.chatBodies().at(-1)!.messages.at(-1)!.content;
    // The saved findings (merged by the digest where they say the same thing) are what was synthesized.
    assert.ok(answered.some((j) => sent.includes(j.answer)), 'the saved findings were synthesized');
    for (const j of answered) assert.ok(sent.includes(j.citation!.path));
  });

  test('reasoning models: reasoning tokens counted; a length stop with no content is its own error', async () => {
    r = await rig({ openai: { models: ['o4-mini'], chat: (b) => (b.messages.some((m) => m.content.includes('Round 1')) ? { content: '', finishReason: 'length', usage: { completion: 2000, reasoning: 2000 } } : { content: '{}' }) }, remoteModel: 'o4-mini' });
    const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(s.error?.code, 'reasoning-exhausted');
    assert.match(s.error!.message, /2000 of them on hidden reasoning/);
    assert.equal(s.usage.remote.reasoningTokens, 2000);
    const body = r.openai.chatBodies()[0]! as OpenAIChatBody & { reasoning_effort?: string };
    assert.equal(body.reasoning_effort, 'low');
    assert.ok(body.max_completion_tokens! > 2000, 'room for hidden reasoning');
    assert.equal(r.openai.requests.length, 1, 'not repaired: asking again the same way fails the same way');
  });

  test('what left the machine: every remote request as sent, with its reply, never the key', async () => {
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry']) }, openai: { chat: script() } });
    const s = summarizeRun(await collect(runProtocol({ question: Q, protocol: 'minions' }, r)));
    assert.equal(s.remoteRequests.length, r.openai.requests.length);
    assert.deepEqual(s.remoteRequests.map((x) => x.attempt.body), r.openai.chatBodies());
    assert.ok(s.remoteRequests.every((x) => x.attempt.ok && typeof x.attempt.content === 'string'));
    assert.ok(!JSON.stringify(s.remoteRequests).includes(r.openai.apiKey));
  });
});
