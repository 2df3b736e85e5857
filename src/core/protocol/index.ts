// The engine's entry point: `runProtocol` runs one question with one protocol and returns the
// RunEvent stream (see events.ts). Every run ends with exactly one `run-finished` or
// `cancelled`; cancelling (the signal, or the consumer leaving the loop) aborts every request
// in flight and ends the stream at once.
import type { CodeIndex } from '../index/types';
import type { ChatModel } from '../llm/types';
import { Ledger } from '../ledger/ledger';
import { DEFAULT_PRICES, type PriceTable } from '../ledger/pricing';
import { toMinionsError } from '../errors';
import type { RunEvent } from './events';
import { EventChannel } from './channel';
import { RunContext, eventError } from './run-context';
import { resolveRequest, type RunRequest, type ResolvedRequest } from './request';
import { runMinions, type ProtocolOutcome } from './minions';
import { runMinion } from './minion';
import { runRemoteOnly, runLocalOnly } from './baselines';
import { baselinePromptTokens } from './baseline';
import { citationsIn, withDocumentPlaces } from './citations';
import { checkCitations } from './answer-check';
import type { JobCache } from './job-cache';

export type { RunRequest, RunBudgets } from './request';
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

const PROTOCOLS: Record<ResolvedRequest['protocol'], (ctx: RunContext) => Promise<ProtocolOutcome>> = {
  minions: runMinions,
  minion: runMinion,
  remote: runRemoteOnly,
  local: runLocalOnly,
};

export function runProtocol(req: RunRequest, deps: RunDeps, signal?: AbortSignal): AsyncIterable<RunEvent> {
  return {
    [Symbol.asyncIterator]() {
      const internal = new AbortController();
      const channel = new EventChannel<RunEvent>(() => internal.abort(new Error('the consumer stopped reading')));
      void drive(req, deps, signal, internal, channel);
      return channel[Symbol.asyncIterator]();
    },
  };
}

async function drive(req: RunRequest, deps: RunDeps, signal: AbortSignal | undefined, internal: AbortController, channel: EventChannel<RunEvent>): Promise<void> {
  const startedAt = Date.now();
  const ledger = new Ledger(deps.remote.model, deps.pricing ?? DEFAULT_PRICES);
  let rounds = 0;
  const sink = (e: RunEvent) => {
    if (e.type === 'round-started') rounds = Math.max(rounds, e.round);
    channel.push(e);
  };
  let ctx: RunContext | undefined;
  const onCancel = () => {
    if (channel.isClosed) return;
    ctx?.dispose();
    channel.push({ type: 'cancelled', ledger: ledger.snapshot() });
    channel.close();
    internal.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onCancel, { once: true });
  const runId = req.runId ?? `run-${startedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  sink({
    type: 'run-started', runId, protocol: req.protocol, question: req.question, scope: req.scope ?? [], startedAt,
    localModel: deps.local.model, remoteModel: deps.remote.model,
  });
  if (signal?.aborted) return onCancel();
  try {
    const request = resolveRequest({ ...req, runId }, deps.local.contextTokens);
    ctx = new RunContext(request, deps.index, deps.local, deps.remote, ledger, internal.signal, sink);
    ctx.jobCache = deps.jobCache;
    const outcome = await PROTOCOLS[request.protocol](ctx);
    if (request.protocol !== 'remote') {
      const context = new Map([...ctx.earlierChunks, ...ctx.chunksRead]);
      ledger.setBaseline(baselinePromptTokens(request.question, context.values(), deps.remote.model), ctx.answerCompletionTokens);
    }
    const known = new Map(deps.index.files().map((f) => [f.path, f.lines]));
    const citations = citationsIn(outcome.answer, (p) => known.has(p));
    const checks = outcome.findings ? { checks: checkCitations(citations, (p) => known.get(p), outcome.findings) } : {};
    sink({ type: 'answer', markdown: outcome.answer, citations: withDocumentPlaces(citations, deps.index), ...checks });
    ctx.usageNow();
    sink({ type: 'run-finished', ok: true, rounds: outcome.rounds, ms: Date.now() - startedAt, ledger: ledger.snapshot() });
  } catch (err) {
    if (channel.isClosed) return; // cancelled: the stream already ended with `cancelled`
    const e = toMinionsError(err);
    sink({ type: 'error', error: eventError(e), fatal: true });
    sink({ type: 'usage', ledger: ledger.snapshot() });
    sink({ type: 'run-finished', ok: false, rounds, ms: Date.now() - startedAt, ledger: ledger.snapshot() });
  } finally {
    ctx?.dispose();
    signal?.removeEventListener('abort', onCancel);
    channel.close();
  }
}
