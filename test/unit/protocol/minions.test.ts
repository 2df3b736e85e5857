import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runProtocol } from '../../../src/core/protocol/index';
import { runReport } from '../../../src/shared/run/summary';
import { collect, ofType, rig, FIXTURE_REPO, type Rig } from './helpers';
import { wordFinder, scriptedRemote } from '../../support/scripted-models';
import { schemaNameOf } from '../../support/fake-openai';

const TWO_ROUNDS = scriptedRemote({
  plans: [
    [{ instruction: 'Find where the decision to retry a request is made', keywords: ['shouldRetry', 'retry'], globs: ['src/**'] }],
    [{ instruction: 'Find the backoff delays between attempts', keywords: ['backoff', 'delay'], globs: [] }],
  ],
  syntheses: [
    { missing: 'How long the client waits between attempts' },
    { answer: 'Retries are decided by `shouldRetry` in src/http/retry.ts:16-19 and the wait is `backoff` (src/http/retry.ts:10-12).' },
  ],
});

function sourceLines(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceLines(p));
    else if (!name.startsWith('.')) out.push(...readFileSync(p, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length >= 12 && /[a-z]/i.test(l)));
  }
  return out;
}

describe('MinionS over the fixture repo', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  test('two rounds: plan, jobs, synthesis, answer with citations; the ledger equals the servers', async () => {
    r = await rig({ ollama: { chat: wordFinder(['shouldRetry', 'backoff']) }, openai: { chat: TWO_ROUNDS } });
    const events = await collect(runProtocol({ question: 'Where is the retry policy decided?', protocol: 'minions', maxRounds: 3, parallel: 2, budgets: { samples: 1 } }, r));
    assert.equal(events[0]!.type, 'run-started');
    const finished = events.at(-1)!;
    assert.equal(finished.type, 'run-finished');
    assert.ok(finished.type === 'run-finished' && finished.ok && finished.rounds === 2);
    assert.deepEqual(ofType(events, 'round-started').map((e) => e.round), [1, 2]);
    const plans = ofType(events, 'plan');
    assert.equal(plans.length, 2);
    assert.deepEqual(plans[0]!.tasks[0]!.globs, ['src/**']);
    assert.deepEqual(ofType(events, 'synthesis').map((s) => s.decision), ['continue', 'answer']);

    const queued = ofType(events, 'job-queued');
    const done = ofType(events, 'job-finished');
    assert.ok(queued.length >= 2);
    assert.equal(done.length, queued.length, 'every queued job finishes');
    assert.ok(queued.filter((q) => q.job.round === 1).every((q) => q.job.path.startsWith('src/')), 'round 1 kept to its glob');
    const answered = done.filter((d) => d.status === 'answered');
    assert.ok(answered.length >= 2);
    for (const a of answered) {
      const job = queued.find((q) => q.job.id === a.jobId)!.job;
      assert.ok(a.citation!.startLine >= job.startLine && a.citation!.endLine <= job.endLine, 'citations stay inside the chunk');
    }
    assert.equal(r.ollama.chatBodies().length, queued.length, 'one local request per job');
    for (const body of r.ollama.chatBodies()) {
      assert.ok(body.format && body.options?.num_ctx && body.options.num_ctx >= 2048, 'schema and a sized num_ctx on every job');
    }

    const answer = ofType(events, 'answer')[0]!;
    assert.match(answer.markdown, /shouldRetry/);
    assert.deepEqual(answer.citations, [{ path: 'src/http/retry.ts', startLine: 16, endLine: 19 }, { path: 'src/http/retry.ts', startLine: 10, endLine: 12 }]);

    const summary = runReport(events);
    const ledger = summary.usage;
    assert.deepEqual(ledger.local, r.ollama.reported);
    assert.deepEqual({ ...ledger.remote, costUsd: undefined }, { ...r.openai.reported, costUsd: undefined });
    assert.equal(ledger.remote.requests, 4, 'plan + synthesis per round (this remote continues without planning round 2, so a plan call does)');
    const planBodies = r.openai.chatBodies().filter((b) => b.response_format?.json_schema?.name === 'minions_plan');
    assert.equal(planBodies.length, 2);
    assert.equal(planBodies[0]!.messages[0]!.content, planBodies[1]!.messages[0]!.content, 'a stable system prefix (instructions + map) for prompt caching');
    assert.match(planBodies[0]!.messages[0]!.content, /src\/http\/retry\.ts \(typescript/);
    assert.ok(ledger.remote.costUsd! > 0);
    assert.ok(ledger.baseline.remotePromptTokens > 0 && ledger.baseline.remoteCompletionTokens > 0);
    assert.equal(summary.jobs.length, queued.length);
    assert.equal(summary.rounds, 2);

    // Standard privacy: the remote never sees a chunk, only at most the workers' one-line quotes.
    const remoteText = r.openai.requests.map((q) => q.rawBody).join('\n');
    assert.ok(!remoteText.includes('constructor(private readonly baseUrl'), 'raw chunks never reach the remote');
    assert.ok(!remoteText.includes('CANARY-SECRET'), 'the .env file is never read');
    assert.ok(!r.ollama.requests.some((q) => q.rawBody.includes('CANARY-SECRET')));
  });

  test('a continuing synthesis that plans the next round saves the plan call: two rounds in three remote requests', async () => {
    let syntheses = 0;
    r = await rig({
      ollama: { chat: wordFinder(['shouldRetry', 'backoff']) },
      openai: {
        chat: (body) => {
          if (schemaNameOf(body) === 'minions_plan') {
            return { content: JSON.stringify({ tasks: [{ instruction: 'Find where the decision to retry a request is made', keywords: ['shouldRetry'], globs: ['src/**'] }], advice: '' }) };
          }
          syntheses++;
          if (syntheses === 1) {
            return { content: JSON.stringify({ decision: 'continue', answer: '', missing: 'The delays between attempts',
              tasks: [{ instruction: 'Find the backoff delays between attempts', keywords: ['backoff', 'delay'], globs: [] }], advice: 'Cite the lines.' }) };
          }
          return { content: JSON.stringify({ decision: 'answer', answer: 'Decided by `shouldRetry` (src/http/retry.ts:16-19), waiting `backoff` (src/http/retry.ts:10-12).', missing: '' }) };
        },
      },
    });
    const events = await collect(runProtocol({ question: 'Where is the retry policy decided?', protocol: 'minions', maxRounds: 2, parallel: 2 }, r));
    const finished = ofType(events, 'run-finished')[0]!;
    assert.ok(finished.ok && finished.rounds === 2);
    const bodies = r.openai.chatBodies();
    assert.deepEqual(bodies.map((b) => b.response_format?.json_schema?.name), ['minions_plan', 'minions_synthesis', 'minions_synthesis'], 'one plan call, then one call per round');
    const props = (b: (typeof bodies)[number]) => Object.keys((b.response_format!.json_schema!.schema as { properties: object }).properties);
    assert.ok(props(bodies[1]!).includes('tasks'), 'a synthesis before the last round may plan the next');
    assert.ok(!props(bodies[2]!).includes('tasks'), 'the last round\'s synthesis only answers');
    assert.match(bodies[1]!.messages[0]!.content, /plan the next round in "tasks" \(at most 8/);

    const plans = ofType(events, 'plan');
    assert.deepEqual(plans.map((p) => p.tasks.map((t) => t.instruction)), [['Find where the decision to retry a request is made'], ['Find the backoff delays between attempts']]);
    assert.equal(plans[1]!.advice, 'Cite the lines.');
    const round2 = ofType(events, 'job-queued').filter((q) => q.job.round === 2);
    assert.ok(round2.length > 0 && round2.every((q) => q.job.task === 'Find the backoff delays between attempts' && q.job.id.startsWith('r2t1')));
    // The workers got the synthesizer's advice.
    assert.ok(r.ollama.chatBodies().some((b) => b.messages[1]!.content.includes('Advice: Cite the lines.')));
    assert.deepEqual(runReport(events).usage.local, r.ollama.reported);
    assert.equal(runReport(events).usage.remote.requests, 3);
    assert.equal(r.openai.reported.requests, 3);
  });

  test('strict privacy: no line of source text reaches the remote, even when workers quote code', async () => {
    // A worker that pastes the code it read into its finding and quote.
    r = await rig({
      ollama: {
        chat: (body) => {
          const code = body.messages[1]!.content.split('\n').filter((l) => /^\s*\d+\| /.test(l)).map((l) => l.replace(/^\s*\d+\| /, ''));
          return { content: JSON.stringify({ relevant: true, finding: `The code says: ${code.slice(0, 6).join('\n')} and \`${code[1] ?? ''}\``, lines: [1, 2], quote: code[0] ?? '' }) };
        },
      },
      openai: { chat: TWO_ROUNDS },
    });
    const events = await collect(runProtocol({ question: 'Where is the retry policy decided?', protocol: 'minions', privacy: 'strict' }, r));
    assert.ok(ofType(events, 'run-finished')[0]!.ok);
    const remoteText = r.openai.requests.map((q) => JSON.parse(q.rawBody) as { messages: { content: string }[] }).flatMap((b) => b.messages.map((m) => m.content)).join('\n');
    const leaked = sourceLines(FIXTURE_REPO).filter((line) => remoteText.includes(line));
    assert.deepEqual(leaked, []);
    assert.match(remoteText, /src\/http\/retry\.ts:\d+-\d+/, 'paths and line numbers still go');
    assert.ok(!/RetryPolicy, backoff, shouldRetry/.test(remoteText), 'strict maps show paths, not symbols');
  });
});
