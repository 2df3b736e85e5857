// A full MinionS run on real inference: the engine plans, expands, runs jobs and synthesizes
// with the `ollama` client (the engine's OllamaModel) talking to the model-backed server, and
// the same model standing in as the remote through the server's OpenAI-compatible route.
// Gemma 3 270M is no planner, so this proves the pipeline and the contracts (schemas parse,
// citations inside chunks, the ledger equals what the server reported), not answer quality.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ModelServer } from '../../support/model-server';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { OpenAICompatibleModel } from '../../../src/core/llm/openai';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { runProtocol, type RunEvent } from '../../../src/core/protocol/index';
import { MODEL_PATH, SKIP_REASON, TEST_PARALLEL } from './model';

const NAME = 'gemma3:270m';
const FIXTURE_REPO = join(__dirname, '../../fixtures/engine/repo');

function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

describe('MinionS end to end on the real model', { skip: SKIP_REASON }, () => {
  let server: ModelServer;
  let index: WorkspaceIndex;
  before(async () => {
    server = await ModelServer.start({ modelPath: MODEL_PATH, name: NAME, parallel: TEST_PARALLEL, contextTokens: 8192 });
    index = await openIndex({ roots: [FIXTURE_REPO], workers: 0 });
  });
  after(async () => {
    await index?.dispose();
    await server?.close();
  });

  test('plan, jobs, synthesis, answer and ledger, all through real clients and real inference', async () => {
    const local = new OllamaModel({ url: server.url, model: NAME, timeoutMs: 300_000 });
    const remote = new OpenAICompatibleModel({ role: 'remote', url: `${server.url}/v1`, model: NAME, apiKey: 'local-stand-in', timeoutMs: 300_000 });
    const events: RunEvent[] = [];
    const stream = runProtocol({
      question: 'Where is the retry policy decided?', protocol: 'minions', maxRounds: 1, parallel: TEST_PARALLEL,
      budgets: { maxTasks: 2, jobsPerTask: 2, maxJobsPerRound: 3, jobMaxTokens: 160 },
    }, { index, local, remote });
    for await (const e of stream) events.push(e);

    const finished = events.at(-1)!;
    const errors = ofType(events, 'error');
    assert.equal(finished.type, 'run-finished', JSON.stringify(errors));
    assert.ok(finished.type === 'run-finished' && finished.ok, JSON.stringify(errors));
    assert.equal(ofType(events, 'plan').length, 1);
    assert.ok(ofType(events, 'plan')[0]!.tasks.length >= 1);

    const queued = ofType(events, 'job-queued');
    const done = ofType(events, 'job-finished');
    assert.ok(queued.length >= 1, 'the plan expanded into jobs');
    assert.equal(done.length, queued.length);
    // Grammar-constrained: no job fails on malformed output.
    assert.deepEqual(done.filter((d) => d.status === 'failed').map((d) => d.error), []);
    for (const d of done.filter((x) => x.status === 'answered')) {
      const job = queued.find((q) => q.job.id === d.jobId)!.job;
      assert.ok(d.citation && d.citation.path === job.path && d.citation.startLine >= job.startLine && d.citation.endLine <= job.endLine);
    }
    const answer = ofType(events, 'answer');
    assert.equal(answer.length, 1);
    assert.ok(answer[0]!.markdown.trim().length > 0);

    // The ledger is what the server reported, nothing invented.
    const ledger = finished.type === 'run-finished' ? finished.ledger : undefined;
    const calls = ofType(events, 'model-call');
    const localCalls = calls.filter((c) => c.role === 'local');
    const remoteCalls = calls.filter((c) => c.role === 'remote');
    assert.equal(ledger!.local.requests, localCalls.length);
    assert.equal(ledger!.local.promptTokens, localCalls.reduce((n, c) => n + c.usage.promptTokens, 0));
    assert.ok(ledger!.local.promptTokens > 0 && ledger!.local.completionTokens > 0);
    assert.ok(ledger!.remote.requests >= 2 && ledger!.remote.promptTokens > 0 && ledger!.remote.completionTokens > 0);
    assert.equal(ledger!.remote.promptTokens, remoteCalls.reduce((n, c) => n + c.usage.promptTokens, 0));
    assert.ok((server.served['POST /api/chat'] ?? 0) >= queued.length);
    assert.ok((server.served['POST /v1/chat/completions'] ?? 0) >= 2);
    process.stdout.write(`# e2e: ${queued.length} jobs (${done.filter((d) => d.status === 'answered').length} answered), local ${ledger!.local.promptTokens}+${ledger!.local.completionTokens} tokens, remote ${ledger!.remote.promptTokens}+${ledger!.remote.completionTokens} tokens, ${finished.type === 'run-finished' ? finished.ms : 0} ms\n`);
  });
});
