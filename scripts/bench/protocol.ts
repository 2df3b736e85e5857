// bench:protocol — three figures for the engine, each with its baseline measured in the same run.
//
// 1. Remote tokens, MinionS vs remote-only, over questions about a real codebase (this
//    repository's src/, indexed by the real index). No real remote or local model is reachable
//    here, so both are SIMULATED behind the real loopback servers and real clients: a scripted
//    planner (tasks and keywords a planner would write for each question), a scripted worker
//    (relevant when the excerpt contains a task keyword; a one-sentence finding and a one-line
//    quote), a scripted synthesizer (answers in round 1, or asks for a second round). What is
//    real: the prompts the engine builds, the chunks the index picks, the digest, and the token
//    counts — the fake remote reports o200k counts of the exact request bodies (GPT-4o family).
//    Two baselines, both counted with o200k: same context (the remote reading every chunk a
//    local job answered or abstained on, packed into requests that fit its context window) and
//    remote-only (the exact request the remote-only protocol would send); the headline saving
//    is against the smaller. The remote-only protocol is also run for real against the fake.
//    It also prints where MinionS's remote tokens go, part by part (protocol-breakdown.ts).
// 2. Scheduler efficiency: a loopback Ollama with P slots and a fixed latency per request, in a
//    child process of its own (protocol-server.ts; in real use Ollama is a separate process, and
//    a fake server on the engine's event loop would be measured instead of the engine); the
//    execute phase's wall time against the ideal ceil(jobs/P) x latency.
// 3. Engine CPU per job: the engine alone (an in-process model that answers at once) and the
//    engine with the Ollama client and loopback server, in CPU ms per job.
//
//   npm run bench:protocol            (a few minutes on 2 cores)
// 4. Conversations: a thread's turns (repeat, follow-ups) against fresh runs of the same
//    questions: local requests, cached jobs, remote tokens (protocol-conversation.ts).
//
//   npm run bench:protocol -- tokens|scheduler|cpu|conversation      one part only
//   BENCH_CASE='{"jobs":2000,"P":8,"latency":20}' npm run bench:protocol -- scheduler   one scheduler case
import { join } from 'node:path';
import os from 'node:os';
import { fork } from 'node:child_process';
import { openIndex } from '../../src/core/index/index';
import { OllamaModel } from '../../src/core/llm/ollama';
import { OpenAICompatibleModel } from '../../src/core/llm/openai';
import { countMessages, countText } from '../../src/core/llm/tokens';
import { runProtocol, type RunEvent, type RunBudgets } from '../../src/core/protocol/index';
import { runReport } from '../../src/shared/run/summary';
import type { CodeIndex } from '../../src/core/index/types';
import type { ChatModel } from '../../src/core/llm/types';
import { FakeOllama, type OllamaChatBody } from '../../test/support/fake-ollama';
import { FakeOpenAI, schemaNameOf, type OpenAIChatBody } from '../../test/support/fake-openai';
import { excerptLines } from '../../test/support/scripted-models';
import { memoryIndex } from '../../test/support/memory-index';
import { Breakdown } from './protocol-breakdown';
import { conversation } from './protocol-conversation';

const ROOT = join(__dirname, '../..');

interface Question {
  q: string;
  tasks: { instruction: string; keywords: string[] }[];
  rounds: 1 | 2;
}

const QUESTIONS: Question[] = [
  { q: 'How does the index decide which files it never reads?', rounds: 1, tasks: [
    { instruction: 'Find the rules that skip ignored files', keywords: ['gitignore', 'IgnoreStack', 'ignored'] },
    { instruction: 'Find how secret files are recognised', keywords: ['isSecretFileName', 'secret', '.env'] },
    { instruction: 'Find how binary or oversized files are skipped', keywords: ['looksBinary', 'maxFileBytes', 'binary'] } ] },
  { q: 'How are rate limits and retry-after handled for model calls?', rounds: 2, tasks: [
    { instruction: 'Find where a 429 is classified', keywords: ['429', 'RateLimitError', 'rate'] },
    { instruction: 'Find how long the client waits before retrying', keywords: ['parseRetryAfter', 'retryAfterMs', 'backoff'] } ] },
  { q: 'How is the cost of a run computed and compared with remote-only?', rounds: 1, tasks: [
    { instruction: 'Find where remote tokens are priced', keywords: ['costOf', 'priceOf', 'cachedInput'] },
    { instruction: 'Find how the remote-only baseline is counted', keywords: ['baselinePromptTokens', 'setBaseline', 'baseline'] } ] },
  { q: 'How does cancelling a run stop the requests in flight?', rounds: 2, tasks: [
    { instruction: 'Find how a cancel reaches the HTTP requests', keywords: ['AbortSignal', 'abort', 'anySignal'] },
    { instruction: 'Find how the event stream ends on cancel', keywords: ['cancelled', 'onCancel', 'channel'] } ] },
  { q: 'How are chunks ranked for a search query?', rounds: 1, tasks: [
    { instruction: 'Find the scoring function of the lexical search', keywords: ['score', 'bm25', 'LexicalIndex'] },
    { instruction: 'Find how a query is split into terms', keywords: ['parseQuery', 'terms', 'tokenize'] } ] },
  { q: 'How does the webview keep model output from running scripts?', rounds: 1, tasks: [
    { instruction: 'Find where markdown is sanitized', keywords: ['DOMPurify', 'sanitize', 'markdown'] },
    { instruction: 'Find the content security policy of the panel', keywords: ['Content-Security-Policy', 'nonce', 'csp'] } ] },
];

const schemaTokens = (body: OpenAIChatBody) => (body.response_format?.json_schema ? countText(JSON.stringify(body.response_format.json_schema.schema)) : 0);

/** The simulated remote: plans from the script, synthesizes after 1 or 2 rounds; reports o200k counts of what it was sent. */
function simulatedRemote(question: Question, breakdown?: Breakdown) {
  let plans = 0;
  let syntheses = 0;
  return (body: OpenAIChatBody) => {
    const name = schemaNameOf(body);
    let content: string;
    if (name === 'minions_plan') {
      plans++;
      const tasks = plans === 1 ? question.tasks : question.tasks.map((t) => ({ ...t, instruction: `${t.instruction} (details the first round missed)` }));
      content = JSON.stringify({ tasks: tasks.map((t) => ({ ...t, globs: ['src/**'] })), advice: 'Report only what the excerpt itself shows.' });
    } else if (name === 'minions_synthesis') {
      syntheses++;
      const done = syntheses >= question.rounds;
      const cites = [...body.messages.at(-1)!.content.matchAll(/\[([^\]:]+:\d+-\d+)/g)].slice(0, 6).map((m) => m[1]).join(', ');
      const answer = `In short: ${question.tasks.map((t) => t.instruction.toLowerCase()).join('; ')}. `.repeat(3) + `See ${cites}.`;
      // A synthesis that may plan the next round (its schema has `tasks`) does so when it continues.
      const plansToo = JSON.stringify(body.response_format?.json_schema?.schema ?? {}).includes('"tasks"');
      const next = plansToo ? { tasks: done ? [] : question.tasks.map((t) => ({ ...t, instruction: `${t.instruction} (details the first round missed)`, globs: ['src/**'] })), advice: done ? '' : 'Report only what the excerpt itself shows.' } : {};
      content = JSON.stringify(done ? { decision: 'answer', answer, missing: '', ...next } : { decision: 'continue', answer: '', missing: 'Which values are used by default and where they are set.', ...next });
    } else {
      content = JSON.stringify({ answer: `Remote-only answer: ${question.tasks.map((t) => t.instruction).join('; ')}.`.repeat(3) });
    }
    const prompt = countMessages(body.messages as never) + schemaTokens(body);
    if (name === 'minions_plan' || name === 'minions_synthesis') breakdown?.request(name === 'minions_plan' ? 'plan' : 'synthesis', body, schemaTokens(body), content, prompt);
    return { content, usage: { prompt, completion: countText(content) } };
  };
}

/**
 * The simulated worker: relevant when its excerpt contains a keyword of its task (permissive),
 * or only its task's first, most specific keyword (selective). Real small models sit somewhere
 * between; both are reported.
 */
let selective = false;
function simulatedWorker(body: OllamaChatBody) {
  const task = /Task: (.*)/.exec(body.messages[1]?.content ?? '')?.[1] ?? '';
  const q = QUESTIONS.find((x) => x.tasks.some((t) => task.startsWith(t.instruction)));
  const keywords = q?.tasks.find((t) => task.startsWith(t.instruction))?.keywords ?? [];
  const lines = excerptLines(body);
  const wanted = selective ? keywords.slice(0, 1) : keywords;
  const hit = lines.find((l) => wanted.some((k) => l.text.toLowerCase().includes(k.toLowerCase())));
  // The finding names what the excerpt shows (the keyword it matched and the line's own
  // identifiers), as a real worker's would, so no two findings are the same words by accident.
  const matched = hit ? wanted.find((k) => hit.text.toLowerCase().includes(k.toLowerCase()))! : '';
  const names = hit ? [...new Set(hit.text.match(/[A-Za-z_][A-Za-z0-9_]{2,}/g) ?? [])].slice(0, 4).join(', ') : '';
  const content = hit
    ? JSON.stringify({ relevant: true, finding: `Line ${hit.line} handles this: ${names ? `${names} on this line show` : 'this line shows'} where ${matched} is applied, and the surrounding code decides the outcome for the caller.`, lines: [hit.line], quote: hit.text.trim().slice(0, 120) })
    : JSON.stringify({ relevant: false, finding: '', lines: [], quote: '' });
  return { content };
}

async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

async function remoteTokens(): Promise<void> {
  // The engine's defaults (request.ts), and two fixed settings measured before and after each change.
  const configs: { selective: boolean; budgets?: RunBudgets; label: string }[] = [
    { selective: false, label: 'permissive worker (relevant on any task keyword), default budgets' },
    { selective: true, label: "selective worker (relevant only on the task's first keyword), default budgets" },
    { selective: true, budgets: { jobsPerTask: 12, maxJobsPerRound: 48, repoMapTokens: 1000 }, label: 'selective worker, the earlier defaults (12 jobs per task, 48 per round, 1000-token map)' },
    { selective: true, budgets: { jobsPerTask: 32, maxJobsPerRound: 128 }, label: 'selective worker, 32 jobs per task, 128 per round (more local reading per remote token)' },
  ];
  for (const c of configs) {
    selective = c.selective;
    await remoteTokensOnce(c.label, c.budgets);
  }
}

async function remoteTokensOnce(label: string, budgets: RunBudgets | undefined): Promise<void> {
  const index = await openIndex({ roots: [ROOT], include: ['src/**'], workers: 0 });
  const ollama = await FakeOllama.start({ chat: simulatedWorker });
  const openai = await FakeOpenAI.start({});
  const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b' });
  const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o', apiKey: openai.apiKey });
  console.log(`\n1. Remote tokens: MinionS vs remote-only over ${index.stats.files} files / ${index.stats.chunks} chunks of this repository's src/ (models simulated, token counts real o200k)`);
  console.log(`   ${label}`);
  console.log('   question                                                      rounds jobs answered  minions-remote  same-context (calls) ratio  remote-only ratio  ran remote-only');
  let sumMinions = 0;
  let sumBaseline = 0;
  let sumSame = 0;
  let sumRO = 0;
  let sumSameCost = 0;
  let sumROCost = 0;
  let sumRemoteOnly = 0;
  let sumLocalRequests = 0;
  let sumCost = 0;
  let sumBaseCost = 0;
  const breakdown = new Breakdown();
  try {
    for (const question of QUESTIONS) {
      openai.chat = simulatedRemote(question, breakdown);
      const s = runReport(await collect(runProtocol({ question: question.q, protocol: 'minions', parallel: 4, ...(budgets ? { budgets } : {}) }, { index, local, remote })));
      openai.chat = simulatedRemote(question);
      const ro = runReport(await collect(runProtocol({ question: question.q, protocol: 'remote' }, { index, local, remote })));
      const mTokens = s.usage.remote.promptTokens + s.usage.remote.completionTokens;
      const bTokens = s.usage.baseline.remotePromptTokens + s.usage.baseline.remoteCompletionTokens;
      const b = s.usage.baselines!;
      const same = b.sameContext.promptTokens + b.sameContext.completionTokens;
      const roBase = b.remoteOnly.promptTokens + b.remoteOnly.completionTokens;
      sumSame += same;
      sumRO += roBase;
      sumSameCost += b.sameContext.costUsd ?? 0;
      sumROCost += b.remoteOnly.costUsd ?? 0;
      const roTokens = ro.usage.remote.promptTokens + ro.usage.remote.completionTokens;
      sumMinions += mTokens;
      sumBaseline += bTokens;
      sumRemoteOnly += roTokens;
      sumLocalRequests += s.usage.local.requests;
      sumCost += s.usage.remote.costUsd ?? 0;
      sumBaseCost += s.usage.baseline.costUsd ?? 0;
      const answered = s.jobs.filter((j) => j.status === 'answered').length;
      console.log(`   ${question.q.slice(0, 60).padEnd(61)} ${String(s.rounds).padStart(6)} ${String(s.jobs.length).padStart(4)} ${String(answered).padStart(8)} ${String(mTokens).padStart(15)} ${String(same).padStart(12)} (${b.sameContext.calls}) ${(same / mTokens).toFixed(1).padStart(5)}x ${String(roBase).padStart(11)} ${(roBase / mTokens).toFixed(1).padStart(5)}x ${String(roTokens).padStart(16)}`);
    }
  } finally {
    await Promise.all([ollama.close(), openai.close(), index.dispose()]);
  }
  console.log(`   total: MinionS remote ${sumMinions} tokens, $${sumCost.toFixed(4)} at gpt-4o prices; local requests per question: ${(sumLocalRequests / QUESTIONS.length).toFixed(1)}`);
  console.log(`          vs same context (answered/abstained chunks, packed to the window): ${sumSame} tokens, $${sumSameCost.toFixed(4)}: saving ${(sumSameCost / sumCost).toFixed(2)}x`);
  console.log(`          vs remote-only protocol (its exact request, counted): ${sumRO} tokens, $${sumROCost.toFixed(4)}: saving ${(sumROCost / sumCost).toFixed(2)}x`);
  console.log(`          headline (the smaller baseline, per question): ${sumBaseline} tokens, $${sumBaseCost.toFixed(4)}: saving ${(sumBaseCost / sumCost).toFixed(2)}x`);
  console.log(`          (the remote-only protocol at its own 24k-token budget used ${sumRemoteOnly} tokens: ${(sumRemoteOnly / sumMinions).toFixed(2)}x MinionS)`);
  breakdown.print(QUESTIONS.length);
}

/** A synthetic index with `n` matching chunks so a plan expands to exactly `n` jobs. */
function manyChunks(n: number): CodeIndex {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`src/f${String(i).padStart(4, '0')}.ts`] = Array.from({ length: 20 }, (_, k) => `export const value${i}_${k} = compute(${k}); // target`).join('\n');
  return memoryIndex(files, 20);
}

function planFor(n: number) {
  return (body: OpenAIChatBody) => {
    const name = schemaNameOf(body);
    if (name === 'minions_plan') return { content: JSON.stringify({ tasks: [{ instruction: 'Find the target', keywords: ['target'], globs: [] }], advice: '' }) };
    return { content: JSON.stringify({ decision: 'answer', answer: `done over ${n} jobs`, missing: '' }) };
  };
}

/** The fixed-latency Ollama in a child process of its own (protocol-server.ts). */
async function serverProcess(slots: number, latencyMs: number, content: string) {
  const child = fork(join(__dirname, 'protocol-server.ts'), [JSON.stringify({ slots, latencyMs, content })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(type: string) => new Promise<T>((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the bench server process exited (${code}) before answering`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  const { url } = await next<{ url: string }>('ready');
  return {
    url,
    async stats() {
      const answer = next<{ reported: { requests: number; promptTokens: number; completionTokens: number }; peak: number }>('stats');
      child.send({ type: 'stats' });
      return answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await gone;
    },
  };
}

async function scheduler(): Promise<void> {
  console.log('\n2. Scheduler efficiency: execute-phase wall time vs ideal ceil(jobs/P) x latency (loopback Ollama with P slots, in its own process)');
  const cases = process.env.BENCH_CASE ? [JSON.parse(process.env.BENCH_CASE) as { jobs: number; P: number; latency: number }] : [
    // Small local models answer a job in roughly 0.3-3 s; the short latencies stress the engine's own gap between jobs.
    { jobs: 64, P: 4, latency: 500 },
    { jobs: 200, P: 8, latency: 250 },
    { jobs: 200, P: 8, latency: 50 },
    { jobs: 2000, P: 8, latency: 20 },
  ];
  const reply = '{"relevant":true,"finding":"It sets the target value.","lines":[1],"quote":""}';
  for (const c of cases) {
    const index = manyChunks(c.jobs);
    const server = await serverProcess(c.P, c.latency, reply);
    const openai = await FakeOpenAI.start({ chat: planFor(c.jobs) });
    try {
      const local = new OllamaModel({ url: server.url, model: 'qwen2.5-coder:3b' });
      const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o-mini', apiKey: openai.apiKey });
      const heapBefore = process.memoryUsage().heapUsed;
      let first = 0;
      let last = 0;
      let usageEvents = 0;
      let events = 0;
      let peakHeap = 0;
      let ledger: RunEvent | undefined;
      const cpu = process.cpuUsage();
      for await (const e of runProtocol({ question: 'target', protocol: 'minions', parallel: c.P, maxRounds: 1, budgets: { jobsPerTask: c.jobs, maxJobsPerRound: c.jobs } }, { index, local, remote })) {
        events++;
        if (e.type === 'run-finished') ledger = e;
        if (e.type === 'job-started' && !first) first = performance.now();
        if (e.type === 'job-finished') last = performance.now();
        if (e.type === 'usage') usageEvents++;
        if (events % 200 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
      const used = process.cpuUsage(cpu);
      const s = { usage: (ledger as Extract<RunEvent, { type: 'run-finished' }>).ledger };
      const stats = await server.stats();
      const ideal = Math.ceil(c.jobs / c.P) * c.latency;
      const wall = last - first;
      const ledgerOk = s.usage.local.promptTokens === stats.reported.promptTokens && s.usage.local.completionTokens === stats.reported.completionTokens && s.usage.local.requests === stats.reported.requests;
      const cpuPerJob = (used.user + used.system) / 1000 / c.jobs;
      console.log(`   ${String(c.jobs).padStart(5)} jobs, P=${c.P}, ${String(c.latency).padStart(3)} ms/request: wall ${wall.toFixed(0)} ms vs ideal ${ideal} ms -> efficiency ${((ideal / wall) * 100).toFixed(1)}%; engine process CPU ${cpuPerJob.toFixed(2)} ms/job; peak slots used ${stats.peak}; ${usageEvents} usage events of ${events}; heapUsed +${((peakHeap - heapBefore) / 1048576).toFixed(1)} MiB (garbage included); ledger = server sums: ${ledgerOk}`);
    } finally {
      await Promise.all([server.stop(), openai.close()]);
    }
  }
}

/** A model that answers at once in-process: what is left is the engine's own work. */
function instantModel(role: 'local' | 'remote', answer: (req: { messages: { content: string }[] }) => string): ChatModel {
  return { role, provider: 'instant', model: role === 'local' ? 'instant-local' : 'gpt-4o-mini', chat: async (req) => ({ content: answer(req), usage: { promptTokens: 100, completionTokens: 20 }, finishReason: 'stop', model: 'x', ms: 0 }) };
}

async function cpuPerJob(): Promise<void> {
  console.log('\n3. Engine CPU per job (2000 jobs in one round)');
  const n = 2000;
  const index = manyChunks(n);
  const remoteAnswer = (req: { messages: { content: string }[] }) => (req.messages[0]!.content.includes('lead a team')
    ? JSON.stringify({ tasks: [{ instruction: 'Find the target', keywords: ['target'], globs: [] }], advice: '' })
    : JSON.stringify({ decision: 'answer', answer: 'done', missing: '' }));
  const localAnswer = () => '{"relevant":true,"finding":"It sets the target value.","lines":[1],"quote":""}';
  const req = { question: 'target', protocol: 'minions' as const, parallel: 8, maxRounds: 1, budgets: { jobsPerTask: n, maxJobsPerRound: n } };
  // Warm up once (JIT, tokenizer tables) so both measurements see the same state.
  await collect(runProtocol({ ...req, budgets: { jobsPerTask: 50, maxJobsPerRound: 50 } }, { index, local: instantModel('local', localAnswer), remote: instantModel('remote', remoteAnswer) }));

  let cpu = process.cpuUsage();
  let t = performance.now();
  await collect(runProtocol(req, { index, local: instantModel('local', localAnswer), remote: instantModel('remote', remoteAnswer) }));
  let used = process.cpuUsage(cpu);
  const engineMs = (used.user + used.system) / 1000 / n;
  console.log(`   engine alone (in-process model): ${engineMs.toFixed(3)} ms CPU per job (${(performance.now() - t).toFixed(0)} ms wall for ${n} jobs)`);

  const ollama = await FakeOllama.start({ chat: localAnswer as never });
  ollama.chat = () => ({ content: localAnswer() });
  const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b' });
  cpu = process.cpuUsage();
  t = performance.now();
  await collect(runProtocol(req, { index, local, remote: instantModel('remote', remoteAnswer) }));
  used = process.cpuUsage(cpu);
  const withHttp = (used.user + used.system) / 1000 / n;
  console.log(`   engine + ollama client + loopback server (all on one thread here; Ollama is its own process in real use): ${withHttp.toFixed(3)} ms CPU per job (${(performance.now() - t).toFixed(0)} ms wall)`);
  console.log(`   against a local model that takes 1 s per job at P=8 (125 ms of wall per job), the engine's own CPU is ${((engineMs / 125) * 100).toFixed(2)}% of it`);
  await ollama.close();
}

async function main(): Promise<void> {
  const only = process.argv[2];
  console.log(`bench:protocol on ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine slows the wall-clock figures)`);
  if (!only || only === 'tokens') await remoteTokens();
  if (!only || only === 'scheduler') await scheduler();
  if (!only || only === 'cpu') await cpuPerJob();
  if (!only || only === 'conversation') await conversation(ROOT);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
