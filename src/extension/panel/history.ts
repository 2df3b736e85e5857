// The runs of this workspace, kept so the panel can reopen and export them. A run is stored
// as its (compacted, redacted) RunEvent list: the panel rebuilds the view from it with the
// same reducer it uses live, so an old run looks exactly as it did. Storage is behind an
// interface (files + a memento in VS Code, memory in tests); this module has no `vscode`.

import type { RunEvent } from '../../core/protocol/events';
import { isRunId, type RunOutcome, type RunSummary } from '../../shared/messages';
import { redactDeep } from './redact';

export interface HistoryStorage {
  /** The saved list of summaries, newest first (undefined when none was saved yet). */
  readIndex(): RunSummary[] | undefined;
  writeIndex(runs: RunSummary[]): Promise<void>;
  readRun(runId: string): Promise<RunEvent[] | undefined>;
  writeRun(runId: string, events: RunEvent[]): Promise<void>;
  deleteRun(runId: string): Promise<void>;
}

export interface RunHistoryOptions {
  /** Runs kept; older ones are dropped (default 50). */
  maxRuns?: number;
  /** Secrets that must never be written (the API key); looked up at each save. */
  secrets?: () => Promise<readonly string[]> | readonly string[];
}

export class RunHistory {
  private runs: RunSummary[];
  private readonly maxRuns: number;
  /** Writes run one after another, so a save and a delete never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: HistoryStorage, private readonly options: RunHistoryOptions = {}) {
    this.maxRuns = Math.max(1, options.maxRuns ?? 50);
    this.runs = (storage.readIndex() ?? []).filter((r) => isRunId(r.runId));
  }

  list(): RunSummary[] {
    return this.runs.map((r) => ({ ...r }));
  }

  has(runId: string): boolean {
    return this.runs.some((r) => r.runId === runId);
  }

  /** Stores a run (replacing an earlier save of the same id) and returns its summary. */
  save(runId: string, events: readonly RunEvent[]): Promise<RunSummary> {
    return this.enqueue(async () => {
      if (!isRunId(runId)) throw new Error(`invalid run id ${JSON.stringify(runId)}`);
      const secrets = (await this.options.secrets?.()) ?? [];
      const stored = redactDeep(compactEvents(events), secrets);
      const summary = summarizeRun(runId, stored);
      await this.storage.writeRun(runId, stored);
      const dropped = [summary, ...this.runs.filter((r) => r.runId !== runId)];
      this.runs = dropped.slice(0, this.maxRuns);
      await this.storage.writeIndex(this.runs);
      for (const old of dropped.slice(this.maxRuns)) await this.storage.deleteRun(old.runId).catch(() => undefined);
      return { ...summary };
    });
  }

  async load(runId: string): Promise<RunEvent[] | undefined> {
    if (!this.has(runId)) return undefined;
    await this.queue.catch(() => undefined);
    return this.storage.readRun(runId);
  }

  remove(runId: string): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.has(runId)) return false;
      this.runs = this.runs.filter((r) => r.runId !== runId);
      await this.storage.writeIndex(this.runs);
      await this.storage.deleteRun(runId).catch(() => undefined);
      return true;
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Drops what a stored run does not need to be shown again: `job-started` (every job ends with
 * `job-finished`), `model-call` (that is the log's business) and all but the last `usage`.
 * A run that never ended keeps its last ledger so the view still has one.
 */
export function compactEvents(events: readonly RunEvent[]): RunEvent[] {
  let lastUsage = -1;
  events.forEach((e, i) => { if (e.type === 'usage') lastUsage = i; });
  const finished = new Set<string>();
  for (const e of events) if (e.type === 'job-finished') finished.add(e.jobId);
  const answered = events.some((e) => e.type === 'answer');
  return events.filter((e, i) => {
    if (e.type === 'model-call') return false;
    // The streamed text is superseded by the answer; a run cut off mid-stream keeps what came.
    if (e.type === 'answer-delta') return !answered;
    if (e.type === 'usage') return i === lastUsage;
    if (e.type === 'job-started') return !finished.has(e.jobId);
    return true;
  });
}

export function summarizeRun(runId: string, events: readonly RunEvent[]): RunSummary {
  let question = '';
  let protocol = 'minions';
  let startedAt = 0;
  let outcome: RunOutcome = 'interrupted';
  let ms: number | undefined;
  let jobs = 0;
  let ledger: Extract<RunEvent, { type: 'usage' }>['ledger'] | undefined;
  for (const e of events) {
    if (e.type === 'run-started') {
      question = e.question;
      protocol = e.protocol;
      startedAt = e.startedAt;
    } else if (e.type === 'job-queued') jobs++;
    else if (e.type === 'usage') ledger = e.ledger;
    else if (e.type === 'cancelled') {
      outcome = 'cancelled';
      ledger = e.ledger;
    } else if (e.type === 'run-finished') {
      outcome = e.ok ? 'ok' : 'failed';
      ms = e.ms;
      ledger = e.ledger;
    }
  }
  const summary: RunSummary = {
    runId, question, protocol, startedAt: startedAt || Date.now(), outcome, jobs,
    remoteCostUsd: ledger ? ledger.remote.costUsd : null,
    savedUsd: ledger ? ledger.savings.costUsd : null,
  };
  if (ms !== undefined) summary.ms = ms;
  return summary;
}
