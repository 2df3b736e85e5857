// bench:protocol conversation — one thread over this repository's src/: a fresh question, the
// same question again, and two follow-ups on the same topic, each against the same question
// asked as a fresh run (no thread, no job cache), in the same run.
//
// As in the token figures, the models are SIMULATED behind the real loopback servers and real
// clients; prompts, chunk choice, digests, the job cache and the token counts (o200k of the
// exact request bodies) are real. The simulated remote's rules, stated so the figures can be
// judged: a fresh run of a question on this topic needs two rounds (the first misses the
// defaults), as the bench's retry question does; in a thread, the earlier turns' findings stand
// in for that first round, so the remote plans the follow-up's tasks in its first call and
// answers after one round of reading. The follow-ups repeat two of the topic's tasks (which the
// job cache answers where the same chunk is picked) and add one of their own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex } from '../../src/core/index/index';
import { OllamaModel } from '../../src/core/llm/ollama';
import { OpenAICompatibleModel } from '../../src/core/llm/openai';
import { countMessages, countText } from '../../src/core/llm/tokens';
import { runProtocol, type RunEvent } from '../../src/core/protocol/index';
import { runReport, type RunReport } from '../../src/shared/run/summary';
import { JobCache } from '../../src/core/protocol/job-cache';
import { conversationOf, newThread, turnFromEvents } from '../../src/core/protocol/thread';
import { FakeOllama, type OllamaChatBody } from '../../test/support/fake-ollama';
import { FakeOpenAI, schemaNameOf, type OpenAIChatBody } from '../../test/support/fake-openai';
import { excerptLines } from '../../test/support/scripted-models';

type Task = { instruction: string; keywords: string[] };
const CLASSIFY: Task = { instruction: 'Find where a 429 is classified', keywords: ['429', 'RateLimitError', 'rate'] };
const WAIT: Task = { instruction: 'Find how long the client waits before retrying', keywords: ['parseRetryAfter', 'retryAfterMs', 'backoff'] };
const TURNS: { label: string; q: string; tasks: Task[] }[] = [
  { label: 'fresh question', q: 'How are rate limits and retry-after handled for model calls?', tasks: [CLASSIFY, WAIT] },
  { label: 'same question again', q: 'How are rate limits and retry-after handled for model calls?', tasks: [CLASSIFY, WAIT] },
  { label: 'follow-up 1', q: 'And how many times is a rate-limited call retried before it gives up?', tasks: [CLASSIFY, WAIT, { instruction: 'Find the cap on retry attempts', keywords: ['retries', 'attempt', 'maxRetries'] }] },
  { label: 'follow-up 2', q: 'Does a cancel during the retry wait stop it at once?', tasks: [CLASSIFY, WAIT, { instruction: 'Find how a retry wait reacts to an abort signal', keywords: ['sleep', 'signal', 'aborted'] }] },
];
const ALL_TASKS = TURNS.flatMap((t) => t.tasks);

const schemaTokens = (body: OpenAIChatBody) => (body.response_format?.json_schema ? countText(JSON.stringify(body.response_format.json_schema.schema)) : 0);

function simulatedRemote(turn: (typeof TURNS)[number]) {
  let syntheses = 0;
  const tasks = turn.tasks.map((t) => ({ ...t, globs: ['src/**'] }));
  const deeper = tasks.map((t) => ({ ...t, instruction: `${t.instruction} (the defaults the first round missed)` }));
  return (body: OpenAIChatBody) => {
    const name = schemaNameOf(body);
    const user = body.messages.at(-1)!.content;
    let content: string;
    if (name === 'minions_plan') {
      content = JSON.stringify({ tasks, advice: 'Report only what the excerpt itself shows.' });
    } else {
      syntheses++;
      const followUpStart = /Findings \(round 0 of/.test(user);
      const inThread = user.includes('This question follows up on a conversation');
      const cites = [...user.matchAll(/\[([^\]:]+:\d+-\d+)/g)].slice(0, 6).map((m) => m[1]).join(', ');
      const answer = `In short: ${turn.tasks.map((t) => t.instruction.toLowerCase()).join('; ')}. `.repeat(3) + `See ${cites}.`;
      if (followUpStart) content = JSON.stringify({ decision: 'continue', answer: '', missing: 'what this follow-up adds', tasks, advice: 'Report only what the excerpt itself shows.' });
      else if (!inThread && syntheses === 1) content = JSON.stringify({ decision: 'continue', answer: '', missing: 'Which values are used by default and where they are set.', tasks: deeper, advice: 'Report only what the excerpt itself shows.' });
      else content = JSON.stringify({ decision: 'answer', answer, missing: '', tasks: [], advice: '' });
    }
    return { content, usage: { prompt: countMessages(body.messages as never) + schemaTokens(body), completion: countText(content) } };
  };
}

/** Relevant when the excerpt contains the task's first keyword (selective) or any of them (permissive), as in the token figures. */
let selective = true;
function simulatedWorker(body: OllamaChatBody) {
  const task = /Task: (.*)/.exec(body.messages[1]?.content ?? '')?.[1] ?? '';
  const keywords = ALL_TASKS.find((t) => task.startsWith(t.instruction))?.keywords ?? [];
  const wanted = selective ? keywords.slice(0, 1) : keywords;
  const hit = excerptLines(body).find((l) => wanted.some((k) => l.text.toLowerCase().includes(k.toLowerCase())));
  const keyword = hit ? wanted.find((k) => hit.text.toLowerCase().includes(k.toLowerCase()))! : '';
  if (!hit) return { content: JSON.stringify({ relevant: false, finding: '', lines: [], quote: '' }) };
  const names = [...new Set(hit.text.match(/[A-Za-z_][A-Za-z0-9_]{2,}/g) ?? [])].slice(0, 4).join(', ');
  return { content: JSON.stringify({ relevant: true, finding: `Line ${hit.line} handles this: ${names || 'this line'} show where ${keyword} is applied.`, lines: [hit.line], quote: hit.text.trim().slice(0, 120) }) };
}

async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

const remoteTokens = (s: RunReport) => s.usage.remote.promptTokens + s.usage.remote.completionTokens;

export async function conversation(root: string): Promise<void> {
  for (const worker of [true, false]) {
    selective = worker;
    await conversationOnce(root, worker ? "selective worker (relevant only on the task's first keyword)" : 'permissive worker (relevant on any task keyword)');
  }
}

async function conversationOnce(root: string, label: string): Promise<void> {
  const index = await openIndex({ roots: [root], include: ['src/**'], workers: 0 });
  const ollama = await FakeOllama.start({ chat: simulatedWorker });
  const openai = await FakeOpenAI.start({});
  const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b' });
  const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o', apiKey: openai.apiKey });
  const cacheDir = mkdtempSync(join(tmpdir(), 'bench-conversation-'));
  const jobCache = JobCache.inDir(cacheDir);
  const thread = newThread();
  console.log(`\n4. Conversation: one thread over ${index.stats.files} files / ${index.stats.chunks} chunks of src/, each turn against the same question as a fresh run (models simulated, token counts real o200k)`);
  console.log(`   ${label}`);
  console.log('   turn                  local-req cached jobs  reused  remote-tokens | fresh: local-req remote-tokens | remote vs fresh');
  try {
    for (const turn of TURNS) {
      openai.chat = simulatedRemote(turn);
      const req = { question: turn.q, protocol: 'minions' as const, parallel: 4, ...(thread.turns.length ? { conversation: conversationOf(thread) } : {}) };
      const events = await collect(runProtocol(req, { index, local, remote, jobCache }));
      const s = runReport(events);
      thread.turns.push(turnFromEvents(thread.turns.length + 1, events, index));
      openai.chat = simulatedRemote(turn);
      const fresh = runReport(await collect(runProtocol({ question: turn.q, protocol: 'minions', parallel: 4 }, { index, local, remote })));
      const cached = s.jobs.filter((j) => j.cached).length;
      const reused = s.jobs.length ? `${Math.round((cached / s.jobs.length) * 100)}%` : '-';
      const ratio = remoteTokens(s) / remoteTokens(fresh);
      console.log(`   ${turn.label.padEnd(21)} ${String(s.usage.local.requests).padStart(9)} ${String(cached).padStart(6)} ${String(s.jobs.length).padStart(4)} ${reused.padStart(7)} ${String(remoteTokens(s)).padStart(14)} | ${String(fresh.usage.local.requests).padStart(16)} ${String(remoteTokens(fresh)).padStart(13)} | ${(ratio * 100).toFixed(0).padStart(5)}%`);
    }
  } finally {
    await Promise.all([ollama.close(), openai.close(), index.dispose()]);
    rmSync(cacheDir, { recursive: true, force: true });
  }
  console.log('   goal: the repeat sends no local request; a follow-up reuses >= 60% of its jobs and spends <= 50% of a fresh run\'s remote tokens');
}
