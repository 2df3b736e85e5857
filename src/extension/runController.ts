// Runs one question at a time through the core's protocol engine and fans its RunEvents out to
// the panel's recorder, the log and the status bar. Before a run it checks trust, the setup and the
// index; a run that cannot start says why with buttons that fix it. Cancel aborts the run's
// signal, which the engine turns into a `cancelled` event within a second.

import * as vscode from 'vscode';
import { MinionsError, isCancellation, toMinionsError } from '../core/errors';
import type { LedgerSnapshot } from '../core/ledger/types';
import type { RunEvent } from '../core/protocol/events';
import { emptyLedger, ledgerOf } from '../shared/run/ledger';
import type { CoreApi, RunInput } from './coreApi';
import { currentSettings } from './config';
import type { IndexService } from './indexService';
import type { MinionsLog } from './log';
import type { ApiKeyStore } from './secrets';
import type { SetupChecker } from './setup';
import { actionsForErrorCode } from './setupAdvice';
import { remoteModelFor } from './lm/remoteModel';
import type { RunSink } from './panel/recorder';
import type { CostStatusBar } from './statusBar';
import type { Conversations } from './conversations';

/** How long a cancelled run may take to end its stream before the host lets go of it. */
const CANCEL_GRACE_MS = 3000;

/** What `ask` resolves to (what the commands and the extension-host tests read). */
export interface AskResult {
  runId?: string;
  status: 'finished' | 'failed' | 'cancelled' | 'not-started';
  events: number;
  answer?: string;
  ledger?: LedgerSnapshot;
  error?: string;
}

interface ActiveRun {
  runId: string | undefined;
  abort: AbortController;
  /** Events delivered so far; the run itself is recorded by the sink, not kept here. */
  events: number;
  /** The latest ledger, for a run the host has to end itself. */
  ledger: LedgerSnapshot;
  done: Promise<AskResult>;
}

export class RunController implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private readonly finished = new vscode.EventEmitter<AskResult>();
  readonly onDidFinish = this.finished.event;
  /** The last outcome (extension-host tests read it). */
  lastOutcome: AskResult | undefined;

  constructor(
    private readonly core: CoreApi,
    private readonly index: IndexService,
    private readonly setup: SetupChecker,
    private readonly keys: ApiKeyStore,
    private readonly statusBar: CostStatusBar,
    private readonly log: MinionsLog,
    /** Records every event of a run (the panel's recorder, which keeps recording while the panel is closed). */
    private readonly sink: RunSink,
    /** Shows the panel, creating it if needed (it then shows the live run so far). */
    private readonly showRunPanel: () => void,
    /** Threads: a follow-up continues the current one; every run becomes a turn. */
    private readonly conversations?: Conversations,
  ) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  showPanel(): void {
    this.showRunPanel();
  }

  /**
   * Asks a question; `followUp` continues the current conversation (the remote sees its earlier
   * turns); `retry` runs only the synthesis again, on a saved run's findings.
   */
  async ask(question: string, scope: readonly string[] = [], options: { followUp?: boolean; retry?: RunInput['retry'] } = {}): Promise<AskResult> {
    const q = question.trim();
    if (q === '') return this.notStarted('The question is empty');
    if (!vscode.workspace.isTrusted) {
      const pick = await vscode.window.showWarningMessage(
        'Minions: this workspace is not trusted, so Minions does not read its files or send anything to a model. Trust the workspace to ask questions.',
        'Manage Workspace Trust');
      if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
      return this.notStarted('workspace not trusted');
    }
    if (this.active) {
      this.log.info('a new question replaces the running one; cancelling it');
      await this.cancelAndWait();
    }
    const abort = new AbortController();
    const run: ActiveRun = { runId: undefined, abort, events: 0, ledger: emptyLedger(), done: Promise.resolve({ status: 'not-started', events: 0 }) };
    this.active = run;
    void vscode.commands.executeCommand('setContext', 'minions.running', true);
    this.statusBar.setRunning(true);
    run.done = this.execute(run, q, scope, options).finally(() => {
      if (this.active === run) this.active = undefined;
      void vscode.commands.executeCommand('setContext', 'minions.running', this.active !== undefined);
      this.statusBar.setRunning(this.active !== undefined);
    });
    const outcome = await run.done;
    this.lastOutcome = outcome;
    this.finished.fire(outcome);
    return outcome;
  }

  /** Cancels the running question; false when none runs. */
  cancel(): boolean {
    if (!this.active) return false;
    this.log.info('cancel requested');
    this.active.abort.abort();
    return true;
  }

  private async cancelAndWait(): Promise<void> {
    const run = this.active;
    if (!run) return;
    run.abort.abort();
    await run.done.catch(() => undefined);
  }

  private notStarted(error: string): AskResult {
    const outcome: AskResult = { status: 'not-started', events: 0, error };
    this.lastOutcome = outcome;
    return outcome;
  }

  private async execute(run: ActiveRun, question: string, scope: readonly string[], options: { followUp?: boolean; retry?: RunInput['retry'] }): Promise<AskResult> {
    const { retry } = options;
    const followUp = options.followUp === true;
    const settings = currentSettings();
    try {
      // Retry answer asks only the remote: the local server is not checked (nor asked anything).
      if (!(await this.setup.check(retry ? { quietWhenOk: true, settings: { ...settings, protocol: 'remote' } } : undefined))) return { status: 'not-started', events: 0, error: 'setup incomplete' };
      if (run.abort.signal.aborted) return { status: 'cancelled', events: 0 };
      const handle = await this.index.ensure();
      if (run.abort.signal.aborted) return { status: 'cancelled', events: 0 };
      const { key } = await this.keys.get();
      this.showRunPanel();
      const remoteModel = await remoteModelFor(settings);
      const turn = await this.conversations?.threadFor(followUp);
      const seen: RunEvent[] = [];
      const stream = kept(this.core.runProtocol({
        question, scope, settings, apiKey: key, index: handle.index, signal: run.abort.signal, cacheDir: this.index.cacheDir(),
        ...(remoteModel ? { remoteModel } : {}), ...(turn?.conversation ? { conversation: turn.conversation } : {}), ...(retry ? { retry } : {}),
      }), seen);
      const outcome = await this.consume(run, stream);
      if (turn && seen.some((e) => e.type === 'run-finished')) {
        await this.conversations!.record(turn.thread, seen, handle.index).catch((err: unknown) => this.log.error(`the conversation could not be saved: ${toMinionsError(err).message}`));
      }
      return outcome;
    } catch (err) {
      if (isCancellation(err) || run.abort.signal.aborted) return { status: 'cancelled', events: run.events, ...(run.runId ? { runId: run.runId } : {}) };
      const e = toMinionsError(err);
      this.log.error(e.toUserString());
      if (run.runId) {
        // The engine threw instead of ending its stream: end the run in the panel too.
        this.deliver(run, { type: 'error', error: e.toJSON(), fatal: true });
        this.deliver(run, { type: 'run-finished', ok: false, rounds: 0, ms: 0, ledger: run.ledger });
      }
      void this.setup.show({ severity: 'error', message: e.toUserString(), actions: actionsForErrorCode(e.code) });
      return { status: 'failed', events: run.events, error: e.toUserString(), ...(run.runId ? { runId: run.runId } : {}) };
    }
  }

  private async consume(run: ActiveRun, stream: AsyncIterable<RunEvent>): Promise<AskResult> {
    const it = stream[Symbol.asyncIterator]();
    let answer: string | undefined;
    let fatal: MinionsError | undefined;
    // After a cancel, give the engine a grace period to end its own stream.
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      run.abort.signal.addEventListener('abort', () => { graceTimer = setTimeout(() => resolve('grace-over'), CANCEL_GRACE_MS); }, { once: true });
    });
    try {
      for (;;) {
        const next = await Promise.race([it.next(), graceOver]);
        if (next === 'grace-over') {
          this.log.error(`the run did not stop within ${CANCEL_GRACE_MS} ms of cancel; it was detached`);
          void it.return?.();
          const ledger = run.ledger;
          this.deliver(run, { type: 'cancelled', ledger });
          await this.statusBar.recordRun(ledger, 'cancelled');
          return { status: 'cancelled', events: run.events, ledger, ...(run.runId ? { runId: run.runId } : {}) };
        }
        if (next.done) break;
        const event = next.value;
        if (event.type === 'run-started') run.runId = event.runId;
        this.deliver(run, event);
        switch (event.type) {
          case 'answer':
            answer = event.markdown;
            break;
          case 'error':
            if (event.fatal) fatal = new MinionsError(event.error.code as MinionsError['code'], event.error.message, event.error.hint);
            break;
          case 'cancelled':
            await this.statusBar.recordRun(event.ledger, 'cancelled');
            return { status: 'cancelled', events: run.events, ledger: event.ledger, ...(run.runId ? { runId: run.runId } : {}) };
          case 'run-finished': {
            await this.statusBar.recordRun(event.ledger, event.status === 'partial' ? 'partial' : event.ok ? 'ok' : 'failed');
            if (!event.ok && fatal) {
              void this.setup.show({ severity: 'error', message: fatal.toUserString(), actions: actionsForErrorCode(fatal.code) });
            }
            return {
              status: event.ok ? 'finished' : 'failed', events: run.events, ledger: event.ledger,
              ...(run.runId ? { runId: run.runId } : {}), ...(answer !== undefined ? { answer } : {}), ...(fatal ? { error: fatal.toUserString() } : {}),
            };
          }
        }
      }
      throw new MinionsError('internal', 'The run ended without a result', 'Show the log (Minions: Show Log) and report it');
    } finally {
      if (graceTimer) clearTimeout(graceTimer);
    }
  }

  private deliver(run: ActiveRun, event: RunEvent): void {
    run.events++;
    run.ledger = ledgerOf(event) ?? run.ledger;
    this.log.event(event);
    if (run.runId) this.sink.record(run.runId, event);
  }

  dispose(): void {
    this.active?.abort.abort();
    this.finished.dispose();
  }
}

/** The stream, with every event also kept in `into` (a finished run becomes a thread's turn). */
async function* kept(stream: AsyncIterable<RunEvent>, into: RunEvent[]): AsyncGenerator<RunEvent> {
  for await (const e of stream) {
    into.push(e);
    yield e;
  }
}
