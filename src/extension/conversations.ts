// The workspace's conversations: which thread the panel continues, and the threads on disk
// (one JSON file each under the extension's workspace storage). A question from the main Ask
// box starts a thread; a follow-up continues the current one. The store is the core's plain
// file store, so the CLI and the panel keep threads the same way.
import * as vscode from 'vscode';
import type { CodeIndex } from '../core/index/types';
import type { RunEvent } from '../core/protocol/events';
import { conversationOf, newThread, threadTotals, turnFromEvents, type Conversation, type Thread } from '../core/protocol/thread';
import { ThreadStore, type ThreadListing } from '../core/protocol/thread-store';
import type { ThreadPanelView } from '../shared/messages';

export function threadPanelView(thread: Thread): ThreadPanelView {
  return {
    id: thread.id,
    turns: thread.turns.map((t) => ({
      turn: t.turn, runId: t.runId, question: t.question, answer: t.answer, outcome: t.outcome, stale: t.stale.length,
      remoteCostUsd: t.ledger.remote.costUsd, savedUsd: t.ledger.savings.costUsd, cachedJobs: t.ledger.local.cachedJobs ?? 0,
    })),
    totals: threadTotals(thread),
  };
}

export class Conversations implements vscode.Disposable {
  readonly store: ThreadStore;
  private currentId: string | undefined;
  private readonly changed = new vscode.EventEmitter<Thread | undefined>();
  /** Fires with the current thread after a turn was added, a thread reopened, or a new conversation started. */
  readonly onDidChange = this.changed.event;

  constructor(context: vscode.ExtensionContext) {
    const base = context.storageUri ?? context.globalStorageUri;
    this.store = new ThreadStore(vscode.Uri.joinPath(base, 'threads').fsPath);
  }

  /** The thread a question goes to: the current one for a follow-up, else a new one. */
  async threadFor(followUp: boolean): Promise<{ thread: Thread; conversation?: Conversation }> {
    const current = followUp && this.currentId ? await this.store.get(this.currentId) : undefined;
    const thread = current ?? newThread();
    return thread.turns.length ? { thread, conversation: conversationOf(thread) } : { thread };
  }

  /** Adds a finished run as the thread's next turn and makes the thread current. */
  async record(thread: Thread, events: readonly RunEvent[], index: CodeIndex): Promise<void> {
    thread.turns.push(turnFromEvents(thread.turns.length + 1, events, index));
    thread.updatedAt = Date.now();
    await this.store.save(thread);
    this.currentId = thread.id;
    this.changed.fire(thread);
  }

  async current(): Promise<Thread | undefined> {
    return this.currentId ? this.store.get(this.currentId) : undefined;
  }

  /** Makes the thread current (reopened from the history); undefined when it is gone. */
  async open(id: string): Promise<Thread | undefined> {
    const thread = await this.store.get(id);
    if (thread) {
      this.currentId = id;
      this.changed.fire(thread);
    }
    return thread;
  }

  /** The thread a run belongs to (a reloaded panel showing that run continues its thread). */
  async ofRun(runId: string): Promise<Thread | undefined> {
    return (await this.store.all()).find((t) => t.turns.some((turn) => turn.runId === runId));
  }

  startNew(): void {
    this.currentId = undefined;
    this.changed.fire(undefined);
  }

  list(): Promise<ThreadListing[]> {
    return this.store.list();
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.store.remove(id);
    if (removed && id === this.currentId) this.startNew();
    return removed;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
