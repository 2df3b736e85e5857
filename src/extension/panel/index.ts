// The panel host: creates (or revives) the single Minions webview, forwards the live run's
// events to it in batches, records runs in the workspace's history, and acts on the webview's
// messages only after validating them (the page renders model output, so what it sends is
// untrusted).

import * as vscode from 'vscode';
import type { Citation, RunEvent } from '../../core/protocol/events';
import { parseWebviewMessage, type HostToWebview, type PanelNotice, type RunSummary, type WebviewToHost } from '../../shared/messages';
import { resolveCitationFile, type WorkspaceRoot } from './citation-target';
import { runToMarkdown } from './export-markdown';
import { RunHistory } from './history';
import { createShownRunStore, createWorkspaceHistoryStorage, type ShownRunStore } from './history-storage';
import { panelHtml } from './html';
import { redactEvent, redactSecrets } from './redact';
import { registerPanelTestHooks } from './test-hooks';
import type { Conversations } from '../conversations';
import { handleThreadMessage, postThreads, type ThreadMessage } from './thread-messages';

/** What the panel asks of the extension host; the host owns runs and editors. */
export interface PanelActions {
  /** The panel's own input box. */
  ask(question: string): void;
  /** The Cancel button (and Escape in the panel). */
  cancel(): void;
  /**
   * Open the file at the lines. The panel has already checked that the path names a file inside
   * a workspace folder (following links); the host may check again.
   */
  openCitation(citation: Citation): void;
  /** The follow-up box: a question that continues the current conversation. */
  followUp?(question: string): void;
  /** The workspace's threads (the conversation list, reopen, export, delete). */
  conversations?: Conversations;
  /** Secrets that must never be stored or exported (the remote API key). Optional. */
  knownSecrets?(): Promise<readonly string[]> | readonly string[];
}

/** Events of a burst (a round queueing a thousand jobs) go to the webview as one message. */
const BATCH_MS = 30;
const TERMINAL: ReadonlySet<RunEvent['type']> = new Set(['run-finished', 'cancelled']);
/**
 * A live run is also saved while it goes (at its start, then at most this long after any new
 * event), so a window closed mid-run leaves it in the history, marked interrupted, with what
 * it had done.
 */
const SNAPSHOT_MS = 3_000;

/** What outlives a panel being closed: the history and the live run. One per extension. */
class PanelHub {
  readonly history: RunHistory;
  liveRunId: string | undefined;
  liveEvents: RunEvent[] = [];
  /** The run that ended last, kept in memory so a panel rebuilt right after it needs no disk read. */
  lastRun: { runId: string; events: RunEvent[] } | undefined;
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
  private shown: string | undefined;
  readonly shownStore: ShownRunStore;
  /** Events of the live run already recorded: a host that replays a run into a new panel sends them again. */
  private seen = new WeakSet<RunEvent>();
  panel: MinionsPanel | undefined;
  actions: PanelActions | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.history = new RunHistory(createWorkspaceHistoryStorage(context), { secrets: () => this.secrets() });
    this.shownStore = createShownRunStore(context);
  }

  /** The host's secrets as last looked up, for the synchronous redaction of incoming events (refreshed per run). */
  private hostSecrets: readonly string[] = [];

  async secrets(): Promise<readonly string[]> {
    this.hostSecrets = (await this.actions?.knownSecrets?.()) ?? [];
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

  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  /** The history as the page shows it: the live run, saved as a snapshot, is running, not interrupted. */
  historyForPage(): RunSummary[] {
    return this.history.list().map((r) => (r.runId === this.liveRunId ? { ...r, outcome: 'running' } : r));
  }

  private postHistory(): void {
    this.panel?.post({ type: 'history', runs: this.historyForPage() });
  }

  private saveFailed(err: unknown): void {
    this.panel?.notice({ level: 'error', message: `Minions could not save this run to the history: ${errorText(err)}`,
      hint: 'The run is still shown; check that the workspace storage folder is writable.' });
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
    this.panel?.enqueue(runId, kept);
    if (TERMINAL.has(event.type)) {
      const events = this.liveEvents;
      this.lastRun = { runId, events };
      this.liveRunId = undefined;
      this.liveEvents = [];
      this.cancelSnapshot();
      void this.history.save(runId, events).then(() => this.postHistory(), (err: unknown) => this.saveFailed(err));
    } else if (event.type === 'run-started') {
      this.snapshot();
    } else {
      this.snapshotTimer ??= setTimeout(() => this.snapshot(), SNAPSHOT_MS);
    }
  }

  private snapshot(): void {
    this.cancelSnapshot();
    const runId = this.liveRunId;
    if (!runId) return;
    void this.history.save(runId, [...this.liveEvents]).then(() => this.postHistory(), (err: unknown) => this.saveFailed(err));
  }

  private cancelSnapshot(): void {
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }
}

function envSecrets(): string[] {
  return [process.env.MINIONS_REMOTE_API_KEY, process.env.OPENAI_API_KEY].filter((s): s is string => !!s);
}

let hub: PanelHub | undefined;
function hubFor(context: vscode.ExtensionContext): PanelHub {
  if (!hub || hub.context !== context) hub = new PanelHub(context);
  return hub;
}

/**
 * Records one event of a live run in the history and shows it in the panel if it is open.
 * Unlike `MinionsPanel.current?.pushEvent`, this keeps recording while the panel is closed.
 */
export function pushRunEvent(context: vscode.ExtensionContext, runId: string, event: RunEvent): void {
  hubFor(context).record(runId, event);
}

/** The single Minions panel (a webview), created on demand and revealed when it exists. */
export class MinionsPanel {
  static readonly viewType = 'minions.panel' as const;

  static get current(): MinionsPanel | undefined {
    return hub?.panel;
  }

  /** Create or reveal the single panel. */
  static show(context: vscode.ExtensionContext, actions: PanelActions): MinionsPanel {
    const h = hubFor(context);
    h.actions = actions;
    if (h.panel) {
      h.panel.panel.reveal(undefined, true);
      return h.panel;
    }
    const panel = vscode.window.createWebviewPanel(MinionsPanel.viewType, 'Minions', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(context));
    h.panel = new MinionsPanel(panel, h);
    return h.panel;
  }

  /** Restore after window reload (registerWebviewPanelSerializer calls this). */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, actions: PanelActions, _state: unknown): MinionsPanel {
    // The saved webview state comes back to the page itself (getState); the page then tells us
    // in `ready` which run it shows, so nothing here needs to read it.
    const h = hubFor(context);
    h.actions = actions;
    if (h.panel && h.panel.panel !== panel) h.panel.panel.dispose();
    panel.webview.options = webviewOptions(context);
    h.panel = new MinionsPanel(panel, h);
    return h.panel;
  }

  private outbox: { runId: string; events: RunEvent[] } | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(readonly panel: vscode.WebviewPanel, private readonly hub: PanelHub) {
    panel.iconPath = vscode.Uri.joinPath(hub.context.extensionUri, 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, hub.context.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Feed one event of a live run; the panel renders it and records it in the run history. */
  pushEvent(runId: string, event: RunEvent): void {
    this.hub.record(runId, event);
  }

  /** Queues an event for the webview; bursts leave as one message. */
  enqueue(runId: string, event: RunEvent): void {
    if (this.outbox && this.outbox.runId !== runId) this.flush();
    this.outbox ??= { runId, events: [] };
    this.outbox.events.push(event);
    if (TERMINAL.has(event.type) || event.type === 'run-started') this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  /** Shows a run from the history (or the live one), as the page's "open" does. */
  openRun(runId: string): Promise<'accepted' | 'refused'> {
    return this.handle({ type: 'open-run', runId });
  }

  notice(notice: PanelNotice): void {
    this.post({ type: 'notice', notice });
  }

  /**
   * Handles one raw message from the webview. Returns what was done, for the test hooks:
   * 'refused' for anything malformed, unknown or naming a file outside the workspace.
   */
  async receive(raw: unknown): Promise<'accepted' | 'refused'> {
    const message = parseWebviewMessage(raw);
    if (!message) return 'refused';
    return this.handle(message);
  }

  private async handle(message: WebviewToHost): Promise<'accepted' | 'refused'> {
    const actions = this.hub.actions;
    switch (message.type) {
      case 'ready':
        this.onReady(message.viewingRunId);
        return 'accepted';
      case 'ask':
        actions?.ask(message.question);
        return 'accepted';
      case 'follow-up':
      case 'new-conversation':
      case 'open-thread':
      case 'export-thread':
      case 'delete-thread':
        return handleThreadMessage(message satisfies ThreadMessage, this, actions);
      case 'cancel':
        actions?.cancel();
        return 'accepted';
      case 'open-citation': {
        const citation = { path: message.path, startLine: message.startLine, endLine: message.endLine };
        const file = await resolveCitationFile(workspaceRoots(), citation.path);
        if (!file) {
          this.notice({ level: 'error', message: `Minions did not open ${shorten(citation.path)}: it is not a file inside this workspace`,
            hint: 'Citations open only files in the workspace folders; the file may have moved or been deleted.' });
          return 'refused';
        }
        actions?.openCitation(citation);
        return 'accepted';
      }
      case 'open-run': {
        const events = await this.hub.eventsOf(message.runId);
        if (!events) {
          this.notice({ level: 'error', message: 'That run is no longer in the history', hint: 'It may have been deleted in another window.' });
          return 'refused';
        }
        this.hub.shownRunId = message.runId;
        this.post({ type: 'show-run', runId: message.runId, events, live: message.runId === this.hub.liveRunId });
        return 'accepted';
      }
      case 'export-run':
        return (await this.exportRun(message.runId)) ? 'accepted' : 'refused';
      case 'delete-run':
        if (message.runId === this.hub.liveRunId) {
          this.notice({ level: 'info', message: 'A running run cannot be deleted', hint: 'Cancel it first, or wait until it ends.' });
          return 'refused';
        }
        await this.hub.history.remove(message.runId);
        if (this.hub.lastRun?.runId === message.runId) this.hub.lastRun = undefined;
        this.post({ type: 'history', runs: this.hub.historyForPage() });
        return 'accepted';
    }
  }

  /**
   * The page (re)loaded: after hide/show, a window reload or a first open. Send the history and
   * the whole run it should show; events queued before this are part of that run, so dropped.
   */
  private onReady(viewingRunId: string | undefined): void {
    const { liveRunId } = this.hub;
    this.post({ type: 'init', title: 'Minions', history: this.hub.historyForPage(), ...(liveRunId ? { liveRunId } : {}) });
    void postThreads(this, this.hub.actions, this.hub.shownRunId ?? viewingRunId);
    if (this.hub.shownRunId) {
      this.showRun(this.hub.shownRunId);
      return;
    }
    // After a window reload the host remembers nothing in memory: the choice written to disk
    // comes first, then the page's saved one (which the browser may not have flushed).
    void this.hub.shownStore.read().then((remembered) => {
      const target = this.hub.shownRunId ?? remembered ?? viewingRunId;
      if (target) this.showRun(target, viewingRunId);
    });
  }

  /**
   * Sends the page the whole of one run: the live one with its queued events, or one from the
   * history (or `fallback` when that run is gone, e.g. deleted in another window).
   */
  private showRun(target: string, fallback?: string): void {
    const { liveRunId } = this.hub;
    if (target === liveRunId) {
      this.dropOutbox();
      this.post({ type: 'show-run', runId: target, events: [...this.hub.liveEvents], live: true });
      return;
    }
    void this.hub.eventsOf(target).then((events) => {
      // A run may have started while the file was read; it has the view now.
      if (!events) {
        if (fallback && fallback !== target) this.showRun(fallback);
        return;
      }
      if (this.hub.liveRunId === undefined) this.post({ type: 'show-run', runId: target, events, live: false });
    });
  }

  /** Opens the run as an untitled Markdown document (the user saves it where they like). */
  private async exportRun(runId: string): Promise<boolean> {
    try {
      const markdown = await this.hub.exportMarkdown(runId);
      if (markdown === undefined) {
        this.notice({ level: 'error', message: 'That run is no longer in the history', hint: 'It may have been deleted in another window.' });
        return false;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
      return true;
    } catch (err) {
      this.notice({ level: 'error', message: `Minions could not export the run: ${errorText(err)}`, hint: 'Try again; if it keeps failing, run "Minions: Show Log" and report what it says.' });
      return false;
    }
  }

  private flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.outbox;
    this.outbox = undefined;
    if (!batch || batch.events.length === 0) return;
    const [only] = batch.events;
    this.post(batch.events.length === 1 && only ? { type: 'run-event', runId: batch.runId, event: only } : { type: 'run-events', runId: batch.runId, events: batch.events });
  }

  /** Events already included in a full `show-run` must not be sent again. */
  private dropOutbox(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.outbox = undefined;
  }

  private dispose(): void {
    this.dropOutbox();
    for (const d of this.disposables) d.dispose();
    if (this.hub.panel === this) this.hub.panel = undefined;
  }
}

/** Registers the serializer that brings the panel back after a window reload. */
export function registerPanelSerializer(context: vscode.ExtensionContext, actions: PanelActions): vscode.Disposable {
  hubFor(context).actions = actions;
  const disposables = [
    vscode.window.registerWebviewPanelSerializer(MinionsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        MinionsPanel.revive(panel, context, actions, state);
      },
    }),
  ];
  // Only under the test runner: commands the real-VS-Code tests use to drive the panel.
  if (process.env.MINIONS_TEST === '1') disposables.push(registerPanelTestHooks(context, actions));
  return vscode.Disposable.from(...disposables);
}

/**
 * Opens a workspace-relative citation in an editor with its lines selected, after the same
 * inside-the-workspace check. Returns false (and opens nothing) when the path is refused.
 * Offered to the host for its `openCitation` action.
 */
export async function openWorkspaceCitation(citation: Citation): Promise<boolean> {
  const file = await resolveCitationFile(workspaceRoots(), citation.path);
  if (!file) return false;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const last = Math.max(0, doc.lineCount - 1);
  const start = Math.min(citation.startLine - 1, last);
  const end = Math.min(citation.endLine - 1, last);
  const range = new vscode.Range(start, 0, end, doc.lineAt(end).range.end.character);
  await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preview: true });
  return true;
}

export function workspaceRoots(): WorkspaceRoot[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => ({ name: f.name, fsPath: f.uri.fsPath }));
}

/** What the panel holds, for the real-VS-Code tests (test-hooks.ts); not used by the product. */
export function panelTestProbe(context: vscode.ExtensionContext) {
  const h = hubFor(context);
  return {
    open: !!h.panel,
    visible: h.panel?.panel.visible ?? false,
    html: h.panel?.panel.webview.html ?? '',
    liveRunId: h.liveRunId,
    history: h.history.list(),
    /** What the page was sent for the last finished run (checked for keys). */
    lastRunJson: h.lastRun ? JSON.stringify(h.lastRun.events) : '',
    exportMarkdown: (runId: string) => h.exportMarkdown(runId),
  };
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
  };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
