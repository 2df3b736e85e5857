// What every protocol implementation shares during one run: the event sink, the ledger, the
// cancellation signal, and the bookkeeping of model calls (each call is counted in the ledger
// from what its server reported and announced as a `model-call` event).
import type { CodeIndex, Chunk } from '../index/types';
import type { ChatModel, HttpAttempt } from '../llm/types';
import { countMessages, tokenizerFor } from '../llm/tokens';
import { SpendGuard } from './budget';
import { JobTracker } from './outcome';
import type { CallRecord } from '../llm/structured';
import { Ledger } from '../ledger/ledger';
import type { RunEvent, EventError } from './events';
import { MinionsError } from '../errors';
import type { ResolvedRequest } from './request';
import type { JobCache } from './job-cache';

export function eventError(err: MinionsError): EventError {
  return err.hint ? { code: err.code, message: err.message, hint: err.hint } : { code: err.code, message: err.message };
}

/** `usage` events are coalesced to at most one per this many ms (a 2,000-job round must not flood the UI). */
export const USAGE_EVENT_INTERVAL_MS = 250;

export class RunContext {
  private lastUsageAt = 0;
  private usageTimer: NodeJS.Timeout | undefined;
  /** Distinct chunks the local side was given (later rounds skip them). */
  readonly chunksRead = new Map<string, Chunk>();
  /** Distinct chunks whose job answered or abstained: the same-context baseline (failed and cancelled jobs are not in it). */
  readonly chunksAnswered = new Map<string, Chunk>();
  /** Every job's state and finding, from the events (terminal states and findings survive a stop). */
  readonly jobs = new JobTracker();
  /** Checks each remote request's worst case against the run's cap before it is sent. */
  readonly guard: SpendGuard;
  /** Chunks behind the earlier turns' findings a follow-up uses (for the baseline; not "read before" by this run). */
  readonly earlierChunks = new Map<string, Chunk>();
  /** Completion tokens of the call that produced the final answer (the baseline's answer length). */
  answerCompletionTokens = 0;
  /** Where finished jobs are kept and looked up (none: every job is read). */
  jobCache: JobCache | undefined;

  constructor(
    readonly request: ResolvedRequest,
    readonly index: CodeIndex,
    readonly local: ChatModel,
    readonly remote: ChatModel,
    readonly ledger: Ledger,
    readonly signal: AbortSignal,
    private readonly sink: (event: RunEvent) => void,
  ) {
    this.guard = new SpendGuard(request.budget, ledger, remote.model);
  }

  /**
   * One HTTP attempt to a model. Remote attempts are announced with what was sent (the audit of
   * what left the machine); one the client timed out on gets no usage from the server, which
   * may still have billed it, so its prompt is counted here and labelled an estimate.
   */
  recordAttempt(model: ChatModel, purpose: string, attempt: HttpAttempt): void {
    if (model.role !== 'remote') return;
    if (!attempt.ok && attempt.timedOut) {
      const tokenizer = tokenizerFor(model.model);
      const messages = (attempt.body.messages ?? []) as { role: 'system' | 'user' | 'assistant'; content: string }[];
      this.ledger.addUnreported(countMessages(messages, tokenizer), tokenizer.name);
    }
    this.emit({ type: 'remote-request', request: { purpose, model: model.model, attempt } });
  }

  emit(event: RunEvent): void {
    if (this.signal.aborted) return;
    this.jobs.see(event);
    this.sink(event);
  }

  /** Records one request: usage into the ledger (when the server answered), a `model-call` event, a throttled `usage` event. */
  record(model: ChatModel, purpose: string, call: CallRecord): void {
    if (call.usage) this.ledger.add(model.role, call.usage);
    if (call.error?.code === 'cancelled') return;
    this.emit({
      type: 'model-call', role: model.role, model: model.model, purpose,
      usage: call.usage ?? { promptTokens: 0, completionTokens: 0 }, ms: call.ms, ok: call.ok,
      ...(call.error ? { error: eventError(call.error) } : {}),
    });
    this.usageSoon();
  }

  /** A `usage` event now if the last one is old enough, else one when the interval ends. */
  usageSoon(): void {
    const wait = this.lastUsageAt + USAGE_EVENT_INTERVAL_MS - Date.now();
    if (wait <= 0) return this.usageNow();
    this.usageTimer ??= setTimeout(() => this.usageNow(), wait);
  }

  usageNow(): void {
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
    this.lastUsageAt = Date.now();
    this.emit({ type: 'usage', ledger: this.ledger.snapshot() });
  }

  dispose(): void {
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) throw new MinionsError('cancelled', 'The run was cancelled');
  }
}
