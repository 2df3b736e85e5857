// Records the runs the panel shows, whether or not the panel is open: the live run's events
// (redacted with the one redactor before anything keeps them), its snapshots while it goes, the
// finished run in the history, and which run the panel should show. It is the run controller's
// sink. No `vscode` here: the panel (panel.ts) listens to it and the tests drive it in Node.

import type { RunEvent } from '../../core/protocol/events';
import type { RunSummary } from '../../shared/messages';
import { redactEvent, redactSecrets } from '../../shared/redact';
import { runToMarkdown } from './export-markdown';
import { RunHistory, type HistoryStorage, type ShownRunStore } from './history';

/** Where the run controller sends each event of a run. */
export interface RunSink {
  record(runId: string, event: RunEvent): void;
}

/** What the recorder tells the open panel. */
export interface RecorderListener {
  /** An event of the live run, as kept (redacted). */
  event(runId: string, event: RunEvent): void;
  /** The history changed (a save or a delete). */
  history(runs: RunSummary[]): void;
  saveFailed(error: unknown): void;
}

export interface RunRecorderOptions {
  /** Secrets that must never be stored or exported (the remote API key); looked up per run. */
  secrets?: () => Promise<readonly string[]> | readonly string[];
  /**
   * A live run is also saved while it goes (at its start, then at most this long after any new
   * event), so a window closed mid-run leaves it in the history, marked interrupted, with what
   * it had done. Default 3 s.
   */
  snapshotMs?: number;
}

const TERMINAL: ReadonlySet<RunEvent['type']> = new Set(['run-finished', 'cancelled']);

export class RunRecorder implements RunSink {
  readonly history: RunHistory;
  liveRunId: string | undefined;
  liveEvents: RunEvent[] = [];
  /** The run that ended last, kept in memory so a panel rebuilt right after it needs no disk read. */
  lastRun: { runId: string; events: RunEvent[] } | undefined;
  listener: RecorderListener | undefined;
  private shown: string | undefined;
  /** Events of the live run already recorded: a host that replays a run into a new panel sends them again. */
  private seen = new WeakSet<RunEvent>();
  /** The secrets as last looked up, for the synchronous redaction of incoming events (refreshed per run). */
  private hostSecrets: readonly string[] = [];
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly snapshotMs: number;

  constructor(storage: HistoryStorage, private readonly shownStore: ShownRunStore, private readonly options: RunRecorderOptions = {}) {
    this.history = new RunHistory(storage, { secrets: () => this.secrets() });
    this.snapshotMs = options.snapshotMs ?? 3_000;
  }

  /**
   * The run the panel should show: the newest live run, or the one the user reopened. The host
   * decides this, not the page: a hidden page misses events and its saved state can be stale.
   * It is also written to disk, for the host that starts after a window reload.
   */
  get shownRunId(): string | undefined {
    return this.shown;
  }
  set shownRunId(runId: string | undefined) {
    if (runId === this.shown) return;
    this.shown = runId;
    if (runId) void this.shownStore.write(runId).catch(() => undefined); // best effort: the page's state is the fallback
  }

  /** The choice written to disk by an earlier host (after a window reload). */
  rememberedShownRun(): Promise<string | undefined> {
    return this.shownStore.read();
  }

  async secrets(): Promise<readonly string[]> {
    this.hostSecrets = (await this.options.secrets?.()) ?? [];
    return [...this.hostSecrets, ...envSecrets()];
  }

  async eventsOf(runId: string): Promise<RunEvent[] | undefined> {
    if (runId === this.liveRunId) return [...this.liveEvents];
    if (runId === this.lastRun?.runId) return [...this.lastRun.events];
    return this.history.load(runId);
  }

  /** The Markdown an export of the run produces, keys redacted; undefined for an unknown run. */
  async exportMarkdown(runId: string): Promise<string | undefined> {
    const events = await this.eventsOf(runId);
    return events ? redactSecrets(runToMarkdown(runId, events), await this.secrets()) : undefined;
  }

  /** The history as the page shows it: the live run, saved as a snapshot, is running, not interrupted. */
  historyForPage(): RunSummary[] {
    return this.history.list().map((r) => (r.runId === this.liveRunId ? { ...r, outcome: 'running' } : r));
  }

  /** Deletes a stored run; false when it is the live one (or unknown). */
  async remove(runId: string): Promise<boolean> {
    if (runId === this.liveRunId) return false;
    const removed = await this.history.remove(runId);
    if (this.lastRun?.runId === runId) this.lastRun = undefined;
    return removed;
  }

  record(runId: string, event: RunEvent): void {
    // A new run id, or the same run started over (its stream restarted): begin afresh.
    if (runId !== this.liveRunId || (event.type === 'run-started' && !this.seen.has(event))) {
      this.liveRunId = runId;
      this.liveEvents = [];
      this.seen = new WeakSet();
      this.shownRunId = runId;
      this.cancelSnapshot();
    }
    if (this.seen.has(event)) return; // a replay: the panel gets the whole run on `ready`
    this.seen.add(event);
    if (event.type === 'run-started') void this.secrets();
    // Error texts can echo a key; they are redacted before the page (and its saved state) sees them.
    const kept = redactEvent(event, [...this.hostSecrets, ...envSecrets()]);
    this.liveEvents.push(kept);
    this.listener?.event(runId, kept);
    if (TERMINAL.has(event.type)) {
      const events = this.liveEvents;
      this.lastRun = { runId, events };
      this.liveRunId = undefined;
      this.liveEvents = [];
      this.cancelSnapshot();
      this.save(runId, events);
    } else if (event.type === 'run-started') {
      this.snapshot();
    } else {
      this.snapshotTimer ??= setTimeout(() => this.snapshot(), this.snapshotMs);
    }
  }

  private save(runId: string, events: RunEvent[]): void {
    void this.history.save(runId, events).then(
      () => this.listener?.history(this.historyForPage()),
      (err: unknown) => this.listener?.saveFailed(err),
    );
  }

  private snapshot(): void {
    this.cancelSnapshot();
    const runId = this.liveRunId;
    if (runId) this.save(runId, [...this.liveEvents]);
  }

  private cancelSnapshot(): void {
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }
}

function envSecrets(): string[] {
  return [process.env.MINIONS_REMOTE_API_KEY, process.env.OPENAI_API_KEY].filter((s): s is string => !!s);
}
