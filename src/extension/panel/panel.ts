// The single Minions webview panel, in the shape of VS Code's webview sample: `createOrShow`
// makes it or reveals it, `revive` adopts the one a window reload restored, `dispose` lets it
// go, and messages from the page are validated before anything acts on them (the page renders
// model output, so what it sends is untrusted). What a run is and where it is kept is the
// recorder's business (recorder.ts); this class only shows it.

import { handleThreadMessage, postThreads, type ThreadMessage } from './thread-messages';
import * as vscode from 'vscode';
import type { RunEvent } from '../../shared/run/events';
import { runReport } from '../../shared/run/summary';
import { parseWebviewMessage, type HostToWebview, type PanelNotice, type RunSummary, type WebviewToHost } from '../../shared/messages';
import { panelHtml } from './html';
import type { RecorderListener, RunRecorder } from './recorder';
import type { PanelActions } from './actions';

export type { PanelActions } from './actions';

/** What a panel is shown with: the runs and the host's actions. */
export interface PanelHost {
  readonly context: vscode.ExtensionContext;
  readonly recorder: RunRecorder;
  readonly actions: PanelActions;
}

/** Events of a burst (a round queueing a thousand jobs) go to the webview as one message. */
const BATCH_MS = 30;
const FLUSH_AT: ReadonlySet<RunEvent['type']> = new Set(['run-started', 'run-finished', 'cancelled']);

export class MinionsPanel implements RecorderListener {
  static readonly viewType = 'minions.panel' as const;
  static currentPanel: MinionsPanel | undefined;

  /** Create or reveal the single panel. */
  static createOrShow(host: PanelHost): MinionsPanel {
    if (MinionsPanel.currentPanel) {
      MinionsPanel.currentPanel.panel.reveal(undefined, true);
      return MinionsPanel.currentPanel;
    }
    const panel = vscode.window.createWebviewPanel(MinionsPanel.viewType, 'Minions', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(host.context));
    MinionsPanel.currentPanel = new MinionsPanel(panel, host);
    return MinionsPanel.currentPanel;
  }

  /**
   * Adopts the panel a window reload restored (registerWebviewPanelSerializer calls this). The
   * page's saved state comes back to the page itself; it tells us in `ready` which run it shows.
   */
  static revive(panel: vscode.WebviewPanel, host: PanelHost): MinionsPanel {
    if (MinionsPanel.currentPanel && MinionsPanel.currentPanel.panel !== panel) MinionsPanel.currentPanel.panel.dispose();
    panel.webview.options = webviewOptions(host.context);
    MinionsPanel.currentPanel = new MinionsPanel(panel, host);
    return MinionsPanel.currentPanel;
  }

  private outbox: { runId: string; events: RunEvent[] } | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(readonly panel: vscode.WebviewPanel, private readonly host: PanelHost) {
    panel.iconPath = vscode.Uri.joinPath(host.context.extensionUri, 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, host.context.extensionUri);
    host.recorder.listener = this;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  // ---- what the recorder tells us ------------------------------------------------------------

  /** Queues an event of the live run for the webview; bursts leave as one message. */
  event(runId: string, event: RunEvent): void {
    if (this.outbox && this.outbox.runId !== runId) this.flush();
    this.outbox ??= { runId, events: [] };
    this.outbox.events.push(event);
    if (FLUSH_AT.has(event.type)) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  history(runs: RunSummary[]): void {
    this.post({ type: 'history', runs });
  }

  saveFailed(err: unknown): void {
    this.notice({ level: 'error', message: `Minions could not save this run to the history: ${errorText(err)}`,
      hint: 'The run is still shown; check that the workspace storage folder is writable.' });
  }

  // ---- the page ------------------------------------------------------------------------------

  post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  notice(notice: PanelNotice): void {
    this.post({ type: 'notice', notice });
  }

  /** Shows a run from the history (or the live one), as the page's "open" does. */
  openRun(runId: string): Promise<'accepted' | 'refused'> {
    return this.handle({ type: 'open-run', runId });
  }

  /** The host's secrets (never written into an export). */
  secrets(): Promise<readonly string[]> {
    return this.host.recorder.secrets();
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
    const { actions, recorder } = this.host;
    switch (message.type) {
      case 'ready':
        this.onReady(message.viewingRunId);
        return 'accepted';
      case 'ask':
        actions.ask(message.question);
        return 'accepted';
      case 'follow-up':
      case 'new-conversation':
      case 'open-thread':
      case 'export-thread':
      case 'delete-thread':
        return handleThreadMessage(message satisfies ThreadMessage, this, actions);
      case 'cancel':
        actions.cancel();
        return 'accepted';
      case 'open-citation': {
        const citation = { path: message.path, startLine: message.startLine, endLine: message.endLine };
        if (await actions.openCitation(citation)) return 'accepted';
        this.notice({ level: 'error', message: `Minions did not open ${shorten(citation.path)}: it is not a file inside this workspace`,
          hint: 'Citations open only files in the workspace folders; the file may have moved or been deleted.' });
        return 'refused';
      }
      case 'open-run': {
        const events = await recorder.eventsOf(message.runId);
        if (!events) {
          this.notice({ level: 'error', message: 'That run is no longer in the history', hint: 'It may have been deleted in another window.' });
          return 'refused';
        }
        recorder.shownRunId = message.runId;
        this.post({ type: 'show-run', runId: message.runId, events, live: message.runId === recorder.liveRunId });
        return 'accepted';
      }
      case 'export-run':
        return (await this.exportRun(message.runId)) ? 'accepted' : 'refused';
      case 'retry-answer': {
        const events = await recorder.eventsOf(message.runId);
        const saved = events ? runReport(events) : undefined;
        if (!saved || !saved.jobs.some((j) => j.status === 'answered')) {
          this.notice({ level: 'error', message: 'That run has no saved findings to answer from', hint: 'Ask the question again instead.' });
          return 'refused';
        }
        const started = events!.find((e): e is Extract<RunEvent, { type: 'run-started' }> => e.type === 'run-started');
        actions.retryAnswer?.(saved.question, started?.scope ?? [], { protocol: saved.protocol, jobs: saved.jobs });
        return 'accepted';
      }
      case 'delete-run':
        if (message.runId === recorder.liveRunId) {
          this.notice({ level: 'info', message: 'A running run cannot be deleted', hint: 'Cancel it first, or wait until it ends.' });
          return 'refused';
        }
        await recorder.remove(message.runId);
        this.post({ type: 'history', runs: recorder.historyForPage() });
        return 'accepted';
    }
  }

  /**
   * The page (re)loaded: after hide/show, a window reload or a first open. Send the history and
   * the whole run it should show; events queued before this are part of that run, so dropped.
   */
  private onReady(viewingRunId: string | undefined): void {
    const { recorder } = this.host;
    const { liveRunId } = recorder;
    this.post({ type: 'init', title: 'Minions', history: recorder.historyForPage(), ...(liveRunId ? { liveRunId } : {}) });
    void postThreads(this, this.host.actions, recorder.shownRunId ?? viewingRunId);
    if (recorder.shownRunId) {
      this.showRun(recorder.shownRunId);
      return;
    }
    // After a window reload the host remembers nothing in memory: the choice written to disk
    // comes first, then the page's saved one (which the browser may not have flushed).
    void recorder.rememberedShownRun().then((remembered) => {
      const target = recorder.shownRunId ?? remembered ?? viewingRunId;
      if (target) this.showRun(target, viewingRunId);
    });
  }

  /**
   * Sends the page the whole of one run: the live one with its queued events, or one from the
   * history (or `fallback` when that run is gone, e.g. deleted in another window).
   */
  private showRun(target: string, fallback?: string): void {
    const { recorder } = this.host;
    if (target === recorder.liveRunId) {
      this.dropOutbox();
      this.post({ type: 'show-run', runId: target, events: [...recorder.liveEvents], live: true });
      return;
    }
    void recorder.eventsOf(target).then((events) => {
      // A run may have started while the file was read; it has the view now.
      if (!events) {
        if (fallback && fallback !== target) this.showRun(fallback);
        return;
      }
      if (recorder.liveRunId === undefined) this.post({ type: 'show-run', runId: target, events, live: false });
    });
  }

  /** Opens the run as an untitled Markdown document (the user saves it where they like). */
  private async exportRun(runId: string): Promise<boolean> {
    try {
      const markdown = await this.host.recorder.exportMarkdown(runId);
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

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropOutbox();
    for (const d of this.disposables.splice(0)) d.dispose();
    if (this.host.recorder.listener === this) this.host.recorder.listener = undefined;
    if (MinionsPanel.currentPanel === this) MinionsPanel.currentPanel = undefined;
    this.panel.dispose();
  }
}

/** Registers the serializer that brings the panel back after a window reload. */
export function registerPanelSerializer(host: PanelHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(MinionsPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      MinionsPanel.revive(panel, host);
    },
  });
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
