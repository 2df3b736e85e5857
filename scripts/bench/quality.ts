// npm run bench:quality — how far the remote can trust what it is handed.
//
// A fixture repository with 24 questions whose answer lines are known, run through the whole
// MinionS engine over real HTTP (real clients, loopback model servers) with scripted local
// workers that err at controlled rates (invented quotes, wrong lines, negative "findings",
// confident irrelevance) and a scripted remote that plans from the question and answers only
// from the findings it is given. The engine before the evidence checks (taken from git at
// BEFORE) runs in the same process on the same inputs. Then the real Gemma 3 270M reads a few
// of the questions as the worker: the share of its findings that verify.
//
// MINIONS_BENCH_SKIP_REAL=1 skips the real-model part; MINIONS_BENCH_QUALITY_REAL_QUESTIONS sets its size (default 4).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex, type WorkspaceIndex } from '../../src/core/index/index';
import { OllamaModel } from '../../src/core/llm/ollama';
import { OpenAICompatibleModel } from '../../src/core/llm/openai';
import type { ChatModel } from '../../src/core/llm/types';
import { runProtocol as runAfter, type RunEvent, type RunRequest, type Citation } from '../../src/core/protocol/index';
import { runReport as summarizeRun } from '../../src/shared/run/summary';
import { FakeOllama, type OllamaChatBody, type OllamaChatScript } from '../../test/support/fake-ollama';
import { FakeOpenAI, schemaNameOf, type OpenAIChatBody, type OpenAIChatScript } from '../../test/support/fake-openai';
import { excerptLines } from '../../test/support/scripted-models';
import { writeQualityRepo, type GoldQuestion } from './quality-fixture';
import { locateQuote } from '../../src/core/protocol/verify';
import { seededRandom as rng } from '../../test/support/seeded-random';

/** The last commit before the evidence checks: the "before" engine. */
const BEFORE = '9859147';
const ROOT = join(__dirname, '../..');
const RATES = { invent: 0.2, wrongLines: 0.2, negative: 0.1, confident: 0.15 };

type Engine = (req: RunRequest, deps: { index: WorkspaceIndex; local: ChatModel; remote: ChatModel }) => AsyncIterable<RunEvent>;

const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

/** A worker that finds the lines carrying the task's term, and errs at RATES (each reading of the same prompt draws anew). */
function erringWorker(): (body: OllamaChatBody) => OllamaChatScript {
  const readings = new Map<number, number>();
  return (body) => {
    const user = body.messages.at(-1)!.content;
    const term = /`([^`]+)`/.exec(user)?.[1] ?? '';
    const key = hash(user);
    const nth = (readings.get(key) ?? 0) + 1;
    readings.set(key, nth);
    const draw = rng(key * 31 + nth)();
    const lines = excerptLines(body);
    const hit = lines.find((l) => term && l.text.toLowerCase().includes(term.toLowerCase()));
    const reply = (quote: string, at: number[], finding: string, relevant = true) => ({ content: JSON.stringify({ quote, lines: at, finding, relevant }) });
    const any = lines[Math.floor(draw * 1000) % Math.max(1, lines.length)] ?? { line: 1, text: '' };
    if (hit) {
      if (draw < RATES.invent) return reply(`const ${term} = ${Math.floor(draw * 1e4)};`, [any.line], `${term} is set to ${Math.floor(draw * 1e4)} here.`);
      if (draw < RATES.invent + RATES.wrongLines) return reply(hit.text.trim(), [hit.line + 7], `${term}: ${hit.text.trim()}`);
      if (draw < RATES.invent + RATES.wrongLines + RATES.negative) return reply('', [], `The excerpt does not mention how ${term} is configured.`);
      return reply(hit.text.trim(), [hit.line], `${term}: ${hit.text.trim()}`);
    }
    if (draw < RATES.confident && any.text.trim().length > 6) return reply(any.text.trim(), [any.line], `${term} is handled here.`);
    return reply('', [], '', false);
  };
}

const LOCATION = /([\w./-]+\.\w+):(\d+)-(\d+)/g;

type Json = Record<string, unknown>;
/** The reply cut to the request's schema (the engine before has fewer fields, and strict schemas forbid extra ones). */
function fit(body: OpenAIChatBody, reply: Json): { content: string } {
  const schema = (body.response_format as { json_schema?: { schema?: Json } } | undefined)?.json_schema?.schema;
  const props = (schema?.properties ?? {}) as Record<string, Json>;
  const taskProps = ((props.tasks?.items as Json | undefined)?.properties ?? {}) as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(reply)) {
    if (!(k in props)) continue;
    out[k] = k === 'tasks' && Array.isArray(v) ? v.map((t: Json) => Object.fromEntries(Object.entries(t).filter(([tk]) => tk in taskProps))) : v;
  }
  return { content: JSON.stringify(out) };
}

/** A remote that plans from the question and answers only from the findings it is given. */
function scriptedRemote(gold: readonly GoldQuestion[], evidence: Citation[][]): (body: OpenAIChatBody) => OpenAIChatScript {
  const of = (body: OpenAIChatBody) => {
    const user = body.messages.at(-1)!.content;
    const q = gold.findIndex((g) => user.includes(`Question: ${g.question}`));
    return { q, g: gold[q]!, user };
  };
  const task = (g: GoldQuestion) => ({ instruction: `Find where \`${g.term}\` is defined or described`, keywords: [g.term, ...g.question.replace(/\?/g, '').split(' ').filter((w) => w.length > 4)], globs: [] });
  return (body) => {
    const { q, g, user } = of(body);
    const name = schemaNameOf(body);
    if (name === 'minions_plan') return fit(body, { tasks: [{ ...task(g), targets: [], granularity: 'chunk', k: 0 }], advice: '' });
    // Finding lines are "- [loc, loc] text" (before) or "- F1, F2 [loc, loc] text" (after).
    const findings = user.split('\n').filter((l) => /^- (F\d+[, F\d]* )?\[/.test(l));
    const cited: Citation[] = [];
    for (const l of findings) for (const m of l.slice(0, l.indexOf(']') + 1).matchAll(LOCATION)) cited.push({ path: m[1]!, startLine: Number(m[2]), endLine: Number(m[3]) });
    (evidence[q] ??= []).push(...cited);
    const about = findings.filter((l) => l.toLowerCase().includes(g.term.toLowerCase()));
    const last = /last round/.test(body.messages[0]!.content);
    if (about.length === 0 && !last) {
      return fit(body, { decision: 'continue', answer: '', missing: `where ${g.term} is`, tasks: [{ ...task(g), targets: [], granularity: 'chunk', k: 0 }], advice: '', scratchpad: '' });
    }
    const locs = about.map((l) => LOCATION.exec(l.slice(0, l.indexOf(']'))) ?? undefined).map((m) => { LOCATION.lastIndex = 0; return m; });
    const cites = locs.filter(Boolean).slice(0, 3).map((m) => `${m![1]}:${m![2]}`);
    const answer = cites.length ? `${g.term}: see ${cites.join(', ')}.` : 'The findings do not show it.';
    return fit(body, { decision: 'answer', answer, missing: '', tasks: [], advice: '', scratchpad: `${g.term} found.` });
  };
}

const overlaps = (c: Citation, g: GoldQuestion) => c.path === g.path && c.startLine <= g.line && c.endLine >= g.line;

interface Row { name: string; precision: number; recall: number; remoteTokens: number; unverified: number; localRequests: number }

async function measure(name: string, engine: Engine, index: WorkspaceIndex, gold: readonly GoldQuestion[], samples?: number): Promise<Row> {
  const evidence: Citation[][] = [];
  const ollama = await FakeOllama.start({ chat: erringWorker(), slots: 4 });
  const openai = await FakeOpenAI.start({ chat: scriptedRemote(gold, evidence) });
  const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b' });
  const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o-mini', apiKey: openai.apiKey });
  let found = 0;
  let tokens = 0;
  let unverified = 0;
  try {
    for (const g of gold) {
      const events: RunEvent[] = [];
      const budgets = { jobsPerTask: 6, ...(samples ? { samples } : {}) };
      for await (const e of engine({ question: g.question, protocol: 'minions', maxRounds: 2, parallel: 4, budgets }, { index, local, remote })) events.push(e);
      const s = summarizeRun(events);
      if (!events.some((e) => e.type === 'run-finished' && e.ok)) throw new Error(`${name}: the run for "${g.question}" failed`);
      if (s.citations.some((c) => overlaps(c, g))) found++;
      tokens += s.usage.remote.promptTokens + s.usage.remote.completionTokens;
      unverified += s.quality?.unverified ?? 0;
    }
    const all = evidence.flatMap((e, q) => e.map((c) => overlaps(c, gold[q]!)));
    return {
      name, precision: all.filter(Boolean).length / Math.max(1, all.length), recall: found / gold.length,
      remoteTokens: tokens / gold.length, unverified, localRequests: ollama.reported.requests,
    };
  } finally {
    await Promise.all([ollama.close(), openai.close()]);
  }
}

/** The engine as it was at BEFORE, extracted from git next to this checkout (so its imports resolve). */
async function beforeEngine(): Promise<Engine | undefined> {
  const dir = join(ROOT, '.bench-before');
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', BEFORE, 'src/core'], { cwd: ROOT, maxBuffer: 64 << 20 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    const mod = (await import(join(dir, 'src/core/protocol/index.ts'))) as { runProtocol: Engine };
    return mod.runProtocol;
  } catch (err) {
    process.stderr.write(`The engine before (${BEFORE}) is not reachable (${(err as Error).message.split('\n')[0]}): no before/after comparison.\n`);
    return undefined;
  }
}

async function realModelShare(root: string, gold: readonly GoldQuestion[]): Promise<string> {
  if (process.env.MINIONS_BENCH_SKIP_REAL) return 'skipped (MINIONS_BENCH_SKIP_REAL)';
  const modelPath = process.env.MINIONS_TEST_MODEL ?? join(ROOT, '.cache/models/gemma-3-270m-q4_k_m.gguf');
  if (!existsSync(modelPath)) return `skipped: ${modelPath} is missing (node scripts/provision-model.mjs)`;
  const { ModelServer } = await import('../../test/support/model-server');
  const server = await ModelServer.start({ modelPath, name: 'gemma3:270m', parallel: 2, contextTokens: 4096 });
  const index = await openIndex({ roots: [root], workers: 0 });
  const evidence: Citation[][] = [];
  const openai = await FakeOpenAI.start({ chat: scriptedRemote(gold, evidence) });
  try {
    const model = new OllamaModel({ url: server.url, model: 'gemma3:270m', timeoutMs: 300_000 });
    // Every quote it writes, checked against the excerpt it was shown (also on replies it marks irrelevant).
    const quotes = { written: 0, found: 0 };
    const local: ChatModel = {
      role: model.role, provider: model.provider, model: model.model, ...(model.contextTokens ? { contextTokens: model.contextTokens } : {}),
      async chat(request) {
        const result = await model.chat(request);
        try {
          const quote = String((JSON.parse(result.content) as { quote?: unknown }).quote ?? '').trim();
          const lines = excerptLines(request);
          if (quote && lines.length) {
            quotes.written++;
            const text = lines.map((l) => l.text).join('\n');
            if (locateQuote({ id: 'x', path: 'x', startLine: lines[0]!.line, endLine: lines.at(-1)!.line, language: 'text', tokens: 0, text }, quote)) quotes.found++;
          }
        } catch { /* not JSON: the engine repairs or fails the job */ }
        return result;
      },
    };
    const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: 'gpt-4o-mini', apiKey: openai.apiKey });
    const n = Number(process.env.MINIONS_BENCH_QUALITY_REAL_QUESTIONS ?? 4);
    let answered = 0;
    let verified = 0;
    const statuses: Record<string, number> = {};
    for (const g of gold.filter((_, i) => i % Math.ceil(gold.length / n) === 0).slice(0, n)) {
      const events: RunEvent[] = [];
      for await (const e of runAfter({ question: g.question, protocol: 'minions', maxRounds: 1, parallel: 2, budgets: { jobsPerTask: 3, samples: 1 } }, { index, local, remote })) events.push(e);
      const s = summarizeRun(events);
      for (const j of s.jobs) statuses[j.status] = (statuses[j.status] ?? 0) + 1;
      answered += s.quality.verified + s.quality.unverified;
      verified += s.quality.verified;
    }
    const jobs = Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(', ');
    const share = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : 'n/a');
    return `${verified} of ${answered} findings verify (${share(verified, answered)}); of all ${quotes.written} non-empty quotes it wrote, ${quotes.found} are in the excerpt (${share(quotes.found, quotes.written)}); jobs: ${jobs}; ${n} questions`;
  } finally {
    await Promise.all([openai.close(), index.dispose(), server.close()]);
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'minions-quality-'));
  const gold = writeQualityRepo(root);
  const index = await openIndex({ roots: [root], workers: 0 });
  const rows: Row[] = [];
  try {
    const before = await beforeEngine();
    if (before) rows.push(await measure('before (unchecked)', before, index, gold));
    for (const samples of [1, 2, 3]) rows.push(await measure(`after, samples ${samples}`, runAfter, index, gold, samples));
  } finally {
    await index.dispose();
  }
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`.padStart(9);
  process.stdout.write(`\nbench:quality — ${gold.length} questions, worker error rates: invented ${pct(RATES.invent).trim()}, wrong lines ${pct(RATES.wrongLines).trim()}, negative ${pct(RATES.negative).trim()}, confident irrelevance ${pct(RATES.confident).trim()}\n\n`);
  process.stdout.write('engine               evidence precision  gold recall  remote tokens/q  unverified kept out  local requests\n');
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(21)}${pct(r.precision).padStart(18)}  ${pct(r.recall).padStart(11)}  ${String(Math.round(r.remoteTokens)).padStart(15)}  ${String(r.unverified).padStart(19)}  ${String(r.localRequests).padStart(14)}\n`);
  }
  process.stdout.write('(remote tokens as the loopback server counted them: an estimate of a real provider\'s count)\n');
  process.stdout.write(`\nGemma 3 270M as the worker: ${await realModelShare(root, gold)}\n`);
  rmSync(root, { recursive: true, force: true });
  rmSync(join(ROOT, '.bench-before'), { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:quality failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
