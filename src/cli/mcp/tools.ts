// What the MCP tools do, apart from the transport: search the index, run a question through the
// same engine and setup as `minions ask`, report the index. Each returns the structured result
// and the text a model reads; errors are thrown as MinionsError and become tool errors upstream.
import { basename } from 'node:path';
import { MinionsError } from '../../core/errors';
import { createRemoteModelFor } from '../../core/llm/factory';
import type { ChatModel } from '../../core/llm/types';
import type { WorkspaceIndex } from '../../core/index/index';
import { runProtocol, type RunEvent } from '../../core/protocol/index';
import { remoteProtocolOf, type ProtocolChoice } from '../../core/protocol/protocols';
import { runReport } from '../../shared/run/summary';
import { ledgerLine, runRequestFor, scopeOf, type AskSetup } from '../commands/ask';
import { AskProgress, type ProgressReport } from './progress';

export interface ToolContext {
  setup: AskSetup;
  workspace: string;
  cacheDir: string | null;
  /** The index, opened once and refreshed before each call (only changed files are re-read). */
  index(): Promise<WorkspaceIndex>;
  /** The local model, created once (the embedded provider loads its weights only once). */
  localModel(): Promise<ChatModel>;
}

export interface ToolOutput<T> {
  structured: T;
  text: string;
}

const PREVIEW_LINES = 3;
const PREVIEW_CHARS = 240;

function preview(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(0, PREVIEW_LINES);
  const joined = lines.join('\n');
  return joined.length > PREVIEW_CHARS ? `${joined.slice(0, PREVIEW_CHARS - 1)}…` : joined;
}

export interface SearchArgs { query: string; top?: number | undefined; scope?: string[] | undefined }

export async function searchTool(ctx: ToolContext, args: SearchArgs) {
  const scope = scopeOf(args.scope ?? [], ctx.workspace, 'scope');
  const index = await ctx.index();
  const hits = index.search(args.query, { top: args.top ?? 10, ...(scope.length ? { scope } : {}) });
  const results = hits.map(({ chunk, score }) => ({
    path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, score: Math.round(score * 10000) / 10000,
    ...(chunk.symbol ? { symbol: chunk.symbol } : {}),
    // PDFs and notebooks: the page (and count) or cell, as `minions search --json` gives them.
    ...(chunk.page ? { page: chunk.page, ...(chunk.pages ? { pages: chunk.pages } : {}) } : {}),
    ...(chunk.cell ? { cell: chunk.cell } : {}),
    preview: preview(chunk.text),
  }));
  const text = results.length === 0
    ? `No hits for "${args.query}" in ${index.stats.files} indexed files.`
    : results.map((r, i) => `${i + 1}. ${r.path}:${r.startLine}-${r.endLine}${r.symbol ? `  ${r.symbol}` : ''}  (score ${r.score})\n${indent(r.preview)}`).join('\n');
  return { structured: { results }, text };
}

const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');

export interface AskArgs { question: string; scope?: string[] | undefined; protocol?: ProtocolChoice | undefined; max_usd?: number | undefined }

export async function askTool(ctx: ToolContext, args: AskArgs, signal: AbortSignal, onProgress?: (p: ProgressReport) => void) {
  const protocol = args.protocol ?? ctx.setup.protocol;
  const scope = scopeOf(args.scope ?? [], ctx.workspace, 'scope');
  // A per-call max_usd overrides the server's --max-usd: both are the run's spend cap.
  const setup: AskSetup = args.max_usd !== undefined
    ? { ...ctx.setup, settings: { ...ctx.setup.settings, budget: { ...ctx.setup.settings.budget, maxUsdPerRun: args.max_usd } } }
    : ctx.setup;
  const remote = createRemoteModelFor(remoteProtocolOf(protocol), setup.remote);
  const [local, index] = await Promise.all([ctx.localModel(), ctx.index()]);
  const events: RunEvent[] = [];
  const progress = onProgress ? new AskProgress(onProgress) : undefined;
  for await (const e of runProtocol(runRequestFor(setup, args.question, protocol, scope), { index, local, remote, pricing: setup.pricing }, signal)) {
    events.push(e);
    progress?.see(e);
  }
  const last = events.at(-1);
  if (last?.type === 'cancelled') throw new MinionsError('cancelled', 'The run was cancelled', 'Nothing more was sent; run the command again to start over');
  if (last?.type !== 'run-finished' || !last.ok) {
    const fatal = events.find((e): e is Extract<RunEvent, { type: 'error' }> => e.type === 'error' && e.fatal)?.error;
    throw new MinionsError((fatal?.code as MinionsError['code']) ?? 'internal', fatal?.message ?? 'The run failed', fatal?.hint);
  }
  const summary = runReport(events);
  const findings = findingsOf(events);
  const l = summary.usage;
  const structured = {
    answer: summary.answer,
    protocol: summary.protocol,
    rounds: summary.rounds,
    citations: summary.citations,
    findings,
    cost: {
      remoteUsd: l.remote.costUsd,
      remoteOnlyBaselineUsd: l.baseline.costUsd,
      savedUsd: l.savings.costUsd,
      ratio: l.savings.ratio,
      remoteTokens: { prompt: l.remote.promptTokens, cachedPrompt: l.remote.cachedPromptTokens, completion: l.remote.completionTokens, requests: l.remote.requests },
      localTokens: { prompt: l.local.promptTokens, completion: l.local.completionTokens, requests: l.local.requests },
      maxUsd: setup.settings.budget.maxUsdPerRun,
    },
  };
  const parts = [summary.answer.trim()];
  if (summary.citations.length) parts.push(`Citations:\n${summary.citations.map((c) => `- ${c.path}:${c.startLine}-${c.endLine}`).join('\n')}`);
  if (findings.length) parts.push(`Findings (local model):\n${findings.map((f) => `- ${f.path}:${f.startLine}-${f.endLine}: ${f.finding.replace(/\s+/g, ' ')}`).join('\n')}`);
  parts.push(`Cost (${summary.protocol}, ${summary.rounds} round${summary.rounds === 1 ? '' : 's'}):\n${ledgerLine(l)}`);
  return { structured, text: parts.join('\n\n') };
}

/** The answered jobs, each with the lines the local model cited. */
function findingsOf(events: readonly RunEvent[]) {
  const tasks = new Map<string, string>();
  const out: { path: string; startLine: number; endLine: number; task: string; finding: string }[] = [];
  for (const e of events) {
    if (e.type === 'job-queued') tasks.set(e.job.id, e.job.task);
    if (e.type === 'job-finished' && e.status === 'answered' && e.citation && e.finding) {
      out.push({ ...e.citation, task: tasks.get(e.jobId) ?? '', finding: e.finding });
    }
  }
  return out;
}

export async function indexStatusTool(ctx: ToolContext) {
  const index = await ctx.index();
  const s = index.stats;
  const structured = {
    workspace: ctx.workspace, files: s.files, chunks: s.chunks, bytes: s.bytes, skipped: s.skipped, ms: s.ms,
    cacheDir: ctx.cacheDir, localModel: localModelName(ctx.setup), remoteModel: ctx.setup.remote.model, protocol: ctx.setup.protocol,
    remoteKeySet: Boolean(ctx.setup.remote.apiKey),
  };
  const text = [
    `${ctx.workspace}: ${s.files} files, ${s.chunks} chunks, ${s.bytes} bytes indexed; ${s.skipped} skipped (ignored, binary, secret-looking or too large).`,
    `Local model ${structured.localModel} (${ctx.setup.local.provider}), remote model ${structured.remoteModel}, default protocol ${structured.protocol}; remote key ${structured.remoteKeySet ? 'set' : 'not set'}.`,
    `Cache: ${ctx.cacheDir ?? 'none (memory only)'}.`,
  ].join('\n');
  return { structured, text };
}

/** The local model as a person knows it: the model name, or the weights file for the embedded provider. */
export function localModelName(setup: AskSetup): string {
  return setup.local.provider === 'embedded' && setup.local.modelPath ? basename(setup.local.modelPath) : setup.local.model;
}
