// The engine's entry point: `runProtocol` runs one question with one protocol and returns the
// RunEvent stream (see events.ts). Every run ends with exactly one `run-finished` or
// `cancelled`; cancelling (the signal, or the consumer leaving the loop) aborts every request
// in flight and ends the stream at once.
import type { CodeIndex } from '../index/types';
import type { ChatModel } from '../llm/types';
import { Ledger } from '../ledger/ledger';
import { DEFAULT_PRICES, priceOf, type ModelPrice, type PriceTable } from '../ledger/pricing';
import { tokenizerFor } from '../llm/tokens';
import { toMinionsError } from '../errors';
import type { RunEvent } from './events';
import { EventChannel } from '../channel';
import { RunContext, eventError } from './run-context';
import { resolveRequest, type RunRequest, type ResolvedRequest } from './request';
import type { ProtocolName } from './events';
import type { ProtocolChoice } from './protocols';
import { runMinions, type ProtocolOutcome } from './minions';
import { runMinion } from './minion';
import { runRemoteOnly, runLocalOnly } from './baselines';
import { sameContextPrompt, remoteOnlyChunks, remoteOnlyPromptTokens } from './baseline';
import { chooseProtocol, estimateRun } from './auto';
import { stoppedStatus, toFindings } from './outcome';
import { answerFromFindings, retryFromSaved, type SavedJob } from './answer';
import { citationsIn, withDocumentPlaces } from './citations';
import { checkCitations } from './answer-check';
import type { JobCache } from './job-cache';

export type { RunRequest, RunBudgets } from './request';
export type { SpendCap } from './budget';
export type { SavedJob } from './answer';
export type * from './events';
export { JobCache, removeJobCache } from './job-cache';

export interface RunDeps {
  index: CodeIndex;
  local: ChatModel;
  remote: ChatModel;
  /** Remote prices (default: the built-in table). */
  pricing?: PriceTable;
  /** Finished local jobs kept across runs (none: every job is read). */
  jobCache?: JobCache;
}

/** A run's request: any protocol, or `auto` (the cheaper of MinionS and remote-only for this question and scope). */
export type RunRequestAny = Omit<RunRequest, 'protocol'> & { protocol: ProtocolChoice };

const PROTOCOLS: Record<ResolvedRequest['protocol'], (ctx: RunContext) => Promise<ProtocolOutcome>> = {
  minions: runMinions,
  minion: runMinion,
  remote: runRemoteOnly,
  local: runLocalOnly,
};

export function runProtocol(req: RunRequestAny, deps: RunDeps, signal?: AbortSignal): AsyncIterable<RunEvent> {
  return stream((internal, channel) => drive(req, deps, signal, internal, channel));
}

/**
 * Retry answer: synthesizes again from a saved run's findings (its `jobs`), with no local job
 * run again. The events are a run's like any other (the saved jobs replayed, then the synthesis).
 */
export function retryAnswer(req: RunRequest & { jobs: readonly SavedJob[] }, deps: RunDeps, signal?: AbortSignal): AsyncIterable<RunEvent> {
  return stream((internal, channel) => drive(req, deps, signal, internal, channel, (ctx) => retryFromSaved(ctx, req.jobs)));
}

function stream(start: (internal: AbortController, channel: EventChannel<RunEvent>) => Promise<void>): AsyncIterable<RunEvent> {
  return {
    [Symbol.asyncIterator]() {
      const internal = new AbortController();
      const channel = new EventChannel<RunEvent>(() => internal.abort(new Error('the consumer stopped reading')));
      void start(internal, channel);
      return channel[Symbol.asyncIterator]();
    },
  };
}

/** `auto`: estimates both protocols for this request and picks one (a request that does not resolve runs as MinionS and reports why there). */
function pickProtocol(req: RunRequestAny, deps: RunDeps, price: ModelPrice | undefined): { protocol: ProtocolName; reason?: string } {
  if (req.protocol !== 'auto') return { protocol: req.protocol };
  try {
    const pre = resolveRequest({ ...req, protocol: 'minions' }, deps.local.contextTokens);
    return chooseProtocol(pre, estimateRun(pre, deps.index, deps.remote.model, price));
  } catch {
    return { protocol: 'minions' };
  }
}

async function drive(req: RunRequestAny, deps: RunDeps, signal: AbortSignal | undefined, internal: AbortController, channel: EventChannel<RunEvent>,
  runner?: (ctx: RunContext) => Promise<ProtocolOutcome>): Promise<void> {
  const startedAt = Date.now();
  const prices = deps.pricing ?? DEFAULT_PRICES;
  const ledger = new Ledger(deps.remote.model, prices);
  let rounds = 0;
  const sink = (e: RunEvent) => {
    if (e.type === 'round-started') rounds = Math.max(rounds, e.round);
    channel.push(e);
  };
  let ctx: RunContext | undefined;
  const onCancel = () => {
    if (channel.isClosed) return;
    ctx?.dispose();
    // Jobs in flight end with a state of their own before the stream ends.
    for (const e of ctx?.jobs.terminalEvents('the run was cancelled') ?? []) channel.push(e);
    channel.push({ type: 'cancelled', ledger: ledger.snapshot() });
    channel.close();
    internal.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onCancel, { once: true });
  const runId = req.runId ?? `run-${startedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const choice = runner ? { protocol: req.protocol === 'auto' ? 'minions' as const : req.protocol } : pickProtocol(req, deps, priceOf(deps.remote.model, prices));
  sink({
    type: 'run-started', runId, protocol: choice.protocol, question: req.question, scope: req.scope ?? [], startedAt,
    localModel: deps.local.model, remoteModel: deps.remote.model, ...(choice.reason ? { protocolReason: choice.reason } : {}),
  });
  if (signal?.aborted) return onCancel();
  let budgetStop: string | undefined;
  try {
    const request = resolveRequest({ ...req, protocol: choice.protocol, runId }, deps.local.contextTokens);
    ctx = new RunContext(request, deps.index, deps.local, deps.remote, ledger, internal.signal, sink);
    ctx.jobCache = deps.jobCache;
    announceEstimate(ctx, priceOf(deps.remote.model, prices));
    let outcome: ProtocolOutcome;
    try {
      outcome = await (runner ?? PROTOCOLS[request.protocol])(ctx);
    } catch (err) {
      // The cap stopped a later round: answer from the findings it has, within the cap.
      const e = toMinionsError(err);
      if (e.code !== 'budget-exceeded' || !ctx.jobs.findings.length) throw e;
      budgetStop = e.message;
      outcome = await answerFromFindings(ctx, toFindings(ctx.jobs.findings, request.privacy === 'strict', deps.index), Math.max(1, rounds));
    }
    setBaselines(ctx, deps);
    const known = new Map(deps.index.files().map((f) => [f.path, f.lines]));
    const citations = citationsIn(outcome.answer, (p) => known.has(p));
    const checks = outcome.findings ? { checks: checkCitations(citations, (p) => known.get(p), outcome.findings) } : {};
    sink({ type: 'answer', markdown: outcome.answer, citations: withDocumentPlaces(citations, deps.index), ...checks });
    if (budgetStop) sink({ type: 'error', error: { code: 'budget-exceeded', message: `${budgetStop}; answered from the findings so far` }, fatal: false });
    else if (ctx.guard.shortened) sink({ type: 'error', error: { code: 'budget-exceeded', message: 'The spend cap leaves no room for another round: answered from the findings so far' }, fatal: false });
    ctx.usageNow();
    sink({ type: 'run-finished', ok: true, status: 'answered', ...(budgetStop || ctx.guard.shortened ? { reason: 'budget' } : {}), rounds: outcome.rounds, ms: Date.now() - startedAt, ledger: ledger.snapshot() });
  } catch (err) {
    if (channel.isClosed) return; // cancelled: the stream already ended with `cancelled`
    const e = toMinionsError(err);
    if (ctx) {
      for (const t of ctx.jobs.terminalEvents(e.message)) sink(t);
      setBaselines(ctx, deps);
    }
    const { status, reason } = stoppedStatus(e, ctx?.jobs);
    sink({ type: 'error', error: eventError(e), fatal: true });
    sink({ type: 'usage', ledger: ledger.snapshot() });
    sink({ type: 'run-finished', ok: false, status, reason, rounds, ms: Date.now() - startedAt, ledger: ledger.snapshot() });
  } finally {
    ctx?.dispose();
    signal?.removeEventListener('abort', onCancel);
    channel.close();
  }
}

/** The estimate event: what this protocol is expected to cost, next to remote-only, under the run's cap. */
function announceEstimate(ctx: RunContext, price: ModelPrice | undefined): void {
  const req = ctx.request;
  const est = estimateRun(req, ctx.index, ctx.remote.model, price);
  const none = { promptTokens: 0, completionTokens: 0, costUsd: price ? 0 : null, tokenizer: est.minions.tokenizer };
  const expected = req.protocol === 'remote' ? est.remoteOnly : req.protocol === 'local' ? none : est.minions;
  ctx.emit({ type: 'estimate', protocol: req.protocol, expected, remoteOnly: est.remoteOnly, cap: req.budget });
}

/** Both baselines, once the run's answer length is known (remote-only is compared with its own bill). */
function setBaselines(ctx: RunContext, deps: RunDeps): void {
  const req = ctx.request;
  if (req.protocol === 'remote') return ctx.ledger.setBaselines({ kind: 'billed' });
  const completion = ctx.answerCompletionTokens;
  // A follow-up's remote-only equivalent also needs the code behind the earlier turns' findings.
  const context = new Map([...ctx.earlierChunks, ...ctx.chunksAnswered]);
  const same = sameContextPrompt(req.question, context.values(), deps.remote.model);
  const tokenizer = tokenizerFor(deps.remote.model);
  ctx.ledger.setBaselines({
    kind: 'counted',
    tokenizer: tokenizer.name,
    sameContext: { promptTokens: same.promptTokens, completionTokens: same.calls * completion, calls: same.calls },
    remoteOnly: { promptTokens: remoteOnlyPromptTokens(req.question, remoteOnlyChunks(deps.index, req), tokenizer), completionTokens: completion },
  });
}
