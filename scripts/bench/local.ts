// bench:local — real local inference on this machine: Gemma 3 270M Q4_K_M through llama.cpp
// (node-llama-cpp, CPU), on the engine's real job prompts over chunks of this repository.
//
// 1. Raw speed (node-llama-cpp called directly): prompt tokens/s and generation tokens/s.
// 2. One job's latency, p50/p95, through the whole local path: the engine's OllamaModel and the
//    `ollama` client -> test/support/model-server.ts -> the embedded provider.
// 3. Our overhead: the same jobs (same prompt, same grammar, greedy, so the same tokens) run
//    alternately as raw node-llama-cpp calls and through client + server + provider (all in this
//    process); overhead = served / raw - 1 (target < 5%), in wall time (median and total) and in
//    CPU time (this process's user+sys, all threads). Alternating cancels out drift in machine
//    load; CPU time is the steadier figure when other work shares the cores.
// 4. Jobs/s at parallel 1, 2 and 4 (one context with P sequences, P requests in flight).
//
//   node scripts/provision-model.mjs && npm run bench:local     (about 3-5 minutes on 2 cores)
// Env: BENCH_LOCAL_JOBS (jobs per measurement, default 6), MINIONS_TEST_MODEL (another GGUF).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ModelServer } from '../../test/support/model-server';
import { OllamaModel } from '../../src/core/llm/ollama';
import { createEmbeddedModel, defaultThreads } from '../../src/core/llm/embedded';
import { fitSchemaToBudget } from '../../src/core/llm/embedded-schema';
import { getCpuLlama, loadNodeLlamaCpp, type NlcChatHistoryItem } from '../../src/core/llm/embedded-runtime';
import { jobMessages } from '../../src/core/protocol/prompts';
import { JOB_SCHEMA } from '../../src/core/protocol/schemas';
import { parseJsonAnswer } from '../../src/core/llm/structured';
import type { Chunk } from '../../src/core/index/types';
import type { ChatMessage } from '../../src/core/llm/types';

const ROOT = join(__dirname, '../..');
const MODEL = process.env.MINIONS_TEST_MODEL ?? join(ROOT, '.cache/models/gemma-3-270m-q4_k_m.gguf');
const JOBS = Number(process.env.BENCH_LOCAL_JOBS ?? 6);
const JOB_MAX_TOKENS = 120;
const CONTEXT = 4096;
const NAME = 'gemma3:270m';

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}
const fmt = (n: number, d = 1) => n.toFixed(d);

/** Real jobs: 30-line windows of this repository's own LLM code, with questions a planner might ask about them. */
function jobs(n: number): { messages: ChatMessage[]; label: string }[] {
  const files = ['src/core/llm/ollama.ts', 'src/core/llm/openai.ts', 'src/core/llm/retry.ts', 'src/core/llm/structured.ts', 'src/core/llm/embedded.ts', 'src/core/llm/classify.ts'];
  const tasks = ['Find where a request is retried and how long it waits.', 'Find how the JSON answer of a model is checked against its schema.', 'Find where the context window (num_ctx) is sized.'];
  const out: { messages: ChatMessage[]; label: string }[] = [];
  for (let i = 0; out.length < n; i++) {
    const path = files[i % files.length]!;
    const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
    const start = Math.min(Math.max(0, lines.length - 30), 20 + 30 * Math.floor(i / files.length));
    const text = lines.slice(start, start + 30).join('\n');
    const chunk: Chunk = { id: `${path}:${start + 1}`, path, startLine: start + 1, endLine: start + 30, language: 'typescript', tokens: 0, text };
    const task = tasks[i % tasks.length]!;
    out.push({ messages: jobMessages({ question: task, instruction: task, advice: '', chunk }), label: `${path}:${start + 1}` });
  }
  return out;
}

/** Raw node-llama-cpp: its own model, context (1 sequence) and LlamaChat, nothing of ours in the path. */
async function rawRunner() {
  const nlc = await loadNodeLlamaCpp();
  const llama = await getCpuLlama();
  const model = await llama.loadModel({ modelPath: MODEL });
  const context = await model.createContext({ contextSize: CONTEXT, sequences: 1, threads: defaultThreads() });
  const chat = new nlc.LlamaChat({ contextSequence: context.getSequence() });
  const grammar = await llama.createGrammarForJsonSchema(fitSchemaToBudget(JOB_SCHEMA.schema, JOB_MAX_TOKENS));
  const history = (messages: ChatMessage[]): NlcChatHistoryItem[] =>
    messages.map((m) => (m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content }));
  return {
    async job(messages: ChatMessage[]): Promise<{ ms: number; text: string }> {
      const t = performance.now();
      const r = await chat.generateResponse(history(messages), { grammar, maxTokens: JOB_MAX_TOKENS, temperature: 0 });
      return { ms: performance.now() - t, text: r.response };
    },
    /** Prompt and generation speed from two timed calls on the raw chat. */
    async speeds(): Promise<{ promptTps: number; promptTokens: number; genTps: number; genTokens: number }> {
      const filler = readFileSync(join(ROOT, 'src/core/llm/openai.ts'), 'utf8').slice(0, 3500);
      let best = { promptTps: 0, promptTokens: 0, genTps: 0, genTokens: 0 };
      for (let rep = 0; rep < 2; rep++) {
        // A distinct first line each time, so nothing of the prompt is reused from the cache.
        const text = `Run ${rep}-${Date.now()}.\n${filler}\nSummarize.`;
        const promptTokens = chat.chatWrapper.generateContextState({ chatHistory: [{ type: 'user', text }] }).contextText.tokenize(model.tokenizer).length;
        let t = performance.now();
        await chat.generateResponse([{ type: 'user', text }], { maxTokens: 1, temperature: 0 });
        const promptMs = performance.now() - t;
        const short = `Story ${rep}-${Date.now()}: write a long story about a lighthouse keeper.`;
        const genTokens = 96;
        t = performance.now();
        await chat.generateResponse([{ type: 'user', text: short }], { maxTokens: 1, temperature: 0 });
        const shortMs = performance.now() - t;
        t = performance.now();
        const r = await chat.generateResponse([{ type: 'user', text: short + ' ' }], { maxTokens: genTokens, temperature: 0 });
        const genMs = performance.now() - t - shortMs;
        const generated = model.tokenizer(r.response).length;
        const cur = { promptTps: promptTokens / (promptMs / 1000), promptTokens, genTps: generated / (genMs / 1000), genTokens: generated };
        if (cur.promptTps > best.promptTps) best = { ...best, promptTps: cur.promptTps, promptTokens };
        if (cur.genTps > best.genTps) best = { ...best, genTps: cur.genTps, genTokens: generated };
      }
      return best;
    },
    async close() {
      await context.dispose();
      await model.dispose();
    },
  };
}

async function serverRunner(parallel: number) {
  const server = await ModelServer.start({ modelPath: MODEL, name: NAME, parallel, contextTokens: CONTEXT });
  const client = new OllamaModel({ url: server.url, model: NAME, numCtx: CONTEXT, timeoutMs: 600_000 });
  return {
    server,
    async job(messages: ChatMessage[]): Promise<{ ms: number; text: string; ok: boolean }> {
      const t = performance.now();
      const r = await client.chat({ messages, schema: JOB_SCHEMA, temperature: 0, maxTokens: JOB_MAX_TOKENS });
      return { ms: performance.now() - t, text: r.content, ok: parseJsonAnswer(r.content, JOB_SCHEMA.schema).ok };
    },
    close: () => server.close(),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  await createEmbeddedModel({ modelPath: MODEL, parallel: 1 }).then((m) => m.dispose()); // fails early and clearly when not provisioned
  const work = jobs(JOBS);
  console.log(`bench:local — ${MODEL.split('/').pop()} on ${availableParallelism()} cores, ${defaultThreads()} llama.cpp thread(s), ${JOBS} jobs per figure, job max ${JOB_MAX_TOKENS} tokens`);

  // 1 + 3: raw speeds, then raw vs server on the same jobs, alternating.
  const raw = await rawRunner();
  const speeds = await raw.speeds();
  console.log(`raw node-llama-cpp: prompt ${fmt(speeds.promptTps)} tokens/s (${speeds.promptTokens}-token prompt), generation ${fmt(speeds.genTps)} tokens/s (${speeds.genTokens} tokens)`);

  const served = await serverRunner(1);
  const rawMs: number[] = [];
  const servedMs: number[] = [];
  const cpu = { raw: 0, served: 0 };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let same = 0;
  let valid = 0;
  // One warm-up of each, not counted (first grammar compile, first connection).
  await raw.job(work[0]!.messages);
  await served.job(work[0]!.messages);
  for (const [i, j] of work.entries()) {
    const order = i % 2 === 0 ? ['raw', 'served'] : ['served', 'raw'];
    let a = '';
    let b = '';
    for (const which of order) {
      const c0 = cpuMs();
      if (which === 'raw') {
        const r = await raw.job(j.messages);
        cpu.raw += cpuMs() - c0;
        rawMs.push(r.ms);
        a = r.text;
      } else {
        const r = await served.job(j.messages);
        cpu.served += cpuMs() - c0;
        servedMs.push(r.ms);
        b = r.text;
        if (r.ok) valid++;
      }
    }
    if (a === b) same++;
  }
  await raw.close();
  await served.close();
  const overhead = (median(servedMs) / median(rawMs) - 1) * 100;
  const totalOverhead = (servedMs.reduce((x, y) => x + y, 0) / rawMs.reduce((x, y) => x + y, 0) - 1) * 100;
  console.log(`one job (parallel 1), through ollama client + model-server: p50 ${fmt(median(servedMs), 0)} ms, p95 ${fmt(quantile(servedMs, 0.95), 0)} ms; ${valid}/${work.length} schema-valid`);
  console.log(`same jobs as raw node-llama-cpp calls:                  p50 ${fmt(median(rawMs), 0)} ms, p95 ${fmt(quantile(rawMs, 0.95), 0)} ms`);
  const cpuOverhead = (cpu.served / cpu.raw - 1) * 100;
  console.log(`CPU per job: served ${fmt(cpu.served / work.length, 0)} ms, raw ${fmt(cpu.raw / work.length, 0)} ms`);
  console.log(`overhead of our client + server + provider: wall ${fmt(overhead, 2)}% (median), ${fmt(totalOverhead, 2)}% (total); CPU ${fmt(cpuOverhead, 2)}%; identical outputs ${same}/${work.length}; target < 5%`);

  // 4: throughput at parallel 1, 2, 4.
  const rates: Record<number, number> = {};
  for (const p of [1, 2, 4]) {
    const s = await serverRunner(p);
    await s.job(work[0]!.messages); // warm-up
    const t = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: p }, async () => {
      while (next < work.length) await s.job(work[next++]!.messages);
    }));
    const secs = (performance.now() - t) / 1000;
    rates[p] = work.length / secs;
    await s.close();
    console.log(`parallel ${p}: ${work.length} jobs in ${fmt(secs, 1)} s = ${fmt(rates[p]!, 3)} jobs/s (${fmt(rates[p]! / rates[1]!, 2)}x parallel 1)`);
  }
  console.log(`total ${fmt((performance.now() - started) / 1000, 0)} s`);
}

main().then(() => process.exit(0), (err: unknown) => {
  const e = err as { toUserString?: () => string; stack?: string };
  console.error(`bench:local failed: ${e.toUserString ? e.toUserString() : e.stack ?? String(err)}`);
  process.exit(1);
});
