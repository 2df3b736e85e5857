// The held-out shape, through the whole engine over real HTTP: a worker that quotes a real line
// of its chunk on every other job and invents the quote and finding on the others. Invented
// findings must never reach the remote (every request body is captured), real ones must, and
// the run's JSON marks the invented ones.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { runProtocol } from '../../../src/core/protocol/index';
import { runReport as summarizeRun } from '../../../src/shared/run/summary';
import { collect, ofType, rig, type Rig } from './helpers';
import { excerptLines, scriptedRemote } from '../../support/scripted-models';
import type { OllamaChatBody, OllamaChatScript } from '../../support/fake-ollama';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** Real on even-numbered requests, invented on odd ones; each invention carries a unique marker. */
function halfInventing(): (body: OllamaChatBody) => OllamaChatScript {
  let n = 0;
  return (body) => {
    const i = n++;
    const lines = excerptLines(body).filter((l) => l.text.trim().length > 8);
    const real = lines[0];
    if (i % 2 === 0 && real) {
      return { content: JSON.stringify({ quote: real.text.trim(), lines: [real.line], finding: `REAL-${i} the excerpt starts with this line.`, relevant: true }) };
    }
    return { content: JSON.stringify({ quote: `INVENTED-QUOTE-${i} throw new FatalRetry()`, lines: [real?.line ?? 1], finding: `INVENTED-FINDING-${i} retries stop after 7 attempts.`, relevant: true }) };
  };
}

test('held out: invented quotes and findings never reach the remote, real ones do, and the JSON marks the invented ones', async () => {
  r = await rig({
    ollama: { chat: halfInventing() },
    openai: { chat: scriptedRemote({
      plans: [[{ instruction: 'Find how requests are retried', keywords: ['retry', 'backoff', 'attempt'], globs: [] }, { instruction: 'Find the cache', keywords: ['cache', 'ttl'], globs: [] }]],
      syntheses: [{ missing: 'More about the backoff' }, { answer: 'Retries are in src/http/retry.ts:1 and src/store/cache.ts:400.' }],
    }) },
  });
  const events = await collect(runProtocol({ question: 'How are failed requests retried?', protocol: 'minions', maxRounds: 2, parallel: 2 }, r));
  assert.equal(events.at(-1)!.type, 'run-finished');
  const done = ofType(events, 'job-finished').filter((d) => d.status === 'answered');
  const invented = done.filter((d) => d.finding!.startsWith('INVENTED'));
  const real = done.filter((d) => d.finding!.startsWith('REAL'));
  assert.ok(invented.length >= 2 && real.length >= 2, `both kinds were produced (${invented.length} invented, ${real.length} real)`);
  assert.ok(invented.every((d) => d.verified === false && /not in the excerpt/.test(d.reason!)));
  assert.ok(real.every((d) => d.verified === true && /^F\d+$/.test(d.findingId!)));

  const sent = r.openai.chatBodies().map((b) => JSON.stringify(b)).join('\n');
  assert.doesNotMatch(sent, /INVENTED/, 'no unverified quote or finding in any remote request');
  // Findings that say the same thing up to numbers merge in the digest: each real one reaches the remote by its id, its words at least once.
  for (const d of real) assert.match(sent, new RegExp(`\\b${d.findingId}\\b`), `real finding ${d.findingId} reached the remote`);
  assert.match(sent, /REAL-\d+ the excerpt starts with this line/);
  assert.match(sent, /Coverage: read \d+ chunks?: \d+ answered, \d+ abstained, \d+ unverified \(left out\)/);

  const summary = summarizeRun(events);
  const answered = summary.jobs.filter((j) => j.status === 'answered');
  for (const j of answered) {
    assert.equal(j.verified, j.answer.startsWith('REAL'), j.answer);
    if (!j.verified) assert.match(j.reason!, /quote is not in the excerpt/);
  }
  assert.equal(summary.quality.unverified, invented.length);
  assert.equal(summary.quality.verified, real.length);
  // One citation lies past the end of its file; the other rests on a verified finding or not, and says which.
  const checks = summary.citationChecks!;
  assert.equal(checks.find((c) => c.path === 'src/store/cache.ts')!.status, 'outside-file');
  assert.equal(summary.quality.unsupportedCitations, checks.filter((c) => c.status !== 'supported').length);
});

test('samples: the top chunks of each task are read N times; the remote sees one finding per agreeing job', async () => {
  r = await rig({
    ollama: { chat: (body) => {
      const l = excerptLines(body).find((x) => x.text.includes('retry'));
      return { content: JSON.stringify(l ? { quote: l.text.trim(), lines: [l.line], finding: `Line ${l.line} is about retry.`, relevant: true } : { quote: '', lines: [], finding: '', relevant: false }) };
    } },
    openai: { chat: scriptedRemote({ plans: [[{ instruction: 'Find retry', keywords: ['retry'], globs: [] }]], syntheses: [{ answer: 'done' }] }) },
  });
  const events = await collect(runProtocol({ question: 'retry?', protocol: 'minions', maxRounds: 1, budgets: { samples: 3, jobsPerTask: 4 } }, r));
  const queued = ofType(events, 'job-queued');
  const sampled = ofType(events, 'job-finished').filter((d) => d.samples);
  assert.equal(sampled.length, Math.min(2, queued.length), 'the two top-ranked chunks are sampled');
  assert.ok(sampled.every((d) => d.samples!.n === 3));
  assert.equal(r.ollama.chatBodies().length, queued.length + 2 * sampled.length, 'two extra requests per sampled job');
  const temps = r.ollama.chatBodies().map((b) => b.options?.temperature);
  assert.ok(temps.includes(0) && temps.some((t) => t !== undefined && t > 0), 'extra samples at a modest temperature');
  assert.deepEqual(summarizeRun(events).usage.local, r.ollama.reported, 'every sample counted');
});

test('rounds: the planning synthesis sees the repository map; its scratchpad replaces the old digest; a target by finding id is read again', async () => {
  let synth = 0;
  r = await rig({
    ollama: { chat: (body) => {
      const l = excerptLines(body).find((x) => /shouldRetry|backoff/.test(x.text));
      return { content: JSON.stringify(l ? { quote: l.text.trim(), lines: [l.line], finding: `ROUND-FINDING at line ${l.line}.`, relevant: true } : { quote: '', lines: [], finding: '', relevant: false }) };
    } },
    openai: { chat: (body) => {
      const name = body.response_format?.json_schema?.name;
      if (name === 'minions_plan') return { content: JSON.stringify({ tasks: [{ instruction: 'Find the retry decision', keywords: ['shouldRetry'], globs: [], targets: [], granularity: 'chunk', k: 0 }], advice: '' }) };
      synth++;
      if (synth === 1) {
        return { content: JSON.stringify({ decision: 'continue', answer: '', missing: 'the backoff', advice: '', scratchpad: 'SCRATCH: retries decided by shouldRetry (F1).',
          tasks: [{ instruction: 'Read around F1 again', keywords: ['zzzz-nothing-matches'], globs: [], targets: ['F1'], granularity: 'neighbors', k: 2 }] }) };
      }
      return { content: JSON.stringify({ decision: 'answer', answer: 'shouldRetry, src/http/retry.ts:16.', missing: '' }) };
    } },
  });
  const events = await collect(runProtocol({ question: 'Where is the retry policy decided?', protocol: 'minions', maxRounds: 2, budgets: { samples: 1 } }, r));
  assert.equal(events.at(-1)!.type, 'run-finished');
  const synths = r.openai.chatBodies().filter((b) => b.response_format?.json_schema?.name === 'minions_synthesis');
  assert.equal(synths.length, 2);
  assert.match(synths[0]!.messages[0]!.content, /Repository map[\s\S]*src\/http\/retry\.ts/, 'the synthesis that plans sees the map');
  assert.doesNotMatch(synths[1]!.messages[0]!.content, /Repository map/, 'the last one does not plan');
  const round2 = synths[1]!.messages.at(-1)!.content;
  assert.match(round2, /SCRATCH: retries decided by shouldRetry \(F1\)/);
  assert.doesNotMatch(round2, /Task \(round 1\)/, 'round 1\'s digest is not sent again');
  const f1 = ofType(events, 'job-finished').find((d) => d.findingId === 'F1')!;
  const f1Job = ofType(events, 'job-queued').find((q) => q.job.id === f1.jobId)!.job;
  const round2Jobs = ofType(events, 'job-queued').filter((q) => q.job.round === 2).map((q) => q.job);
  assert.ok(round2Jobs.some((j) => j.path === f1Job.path && j.startLine === f1Job.startLine), 'F1\'s chunk is read again although round 1 read it');
  assert.ok(round2Jobs.length <= 2, 'the task\'s k');
});
