// The runs of this workspace, kept so the panel can reopen and export them. A run is stored
// as its (compacted, redacted) RunEvent list: the panel rebuilds the view from it with the
// same reducer it uses live, so an old run looks exactly as it did. Storage is behind an
// interface (files + a memento in VS Code, memory in tests); this module has no `vscode`.

import type { RunEvent } from '../../core/protocol/events';
import { isRunId } from '../../shared/messages';
import { redactDeep } from '../../shared/redact';
import { compactEvents } from '../../shared/run/compact';
import { historySummary, type RunSummary } from '../../shared/run/summary';

export interface HistoryStorage {
  /** The saved list of summaries, newest first (undefined when none was saved yet). */
  readIndex(): RunSummary[] | undefined;
  writeIndex(runs: RunSummary[]): Promise<void>;
  readRun(runId: string): Promise<RunEvent[] | undefined>;
  writeRun(runId: string, events: RunEvent[]): Promise<void>;
  deleteRun(runId: string): Promise<void>;
}

/**
 * Which run the panel shows, kept beside the runs. A window reload restarts the extension
 * host; the page's own saved state is flushed by the browser workbench only now and then (a
 * reload can lose the last change), while this is written when the choice changes.
 */
export interface ShownRunStore {
  read(): Promise<string | undefined>;
  write(runId: string): Promise<void>;
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
      const summary = historySummary(runId, stored);
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
