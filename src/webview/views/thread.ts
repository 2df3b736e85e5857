// The conversation around the shown run: the thread's totals and "New conversation" above, the
// earlier turns (question and sanitized answer) before the run, a follow-up box under its answer,
// and the workspace's conversations (reopen, export as Markdown, delete).

import { h, replaceChildren } from '../dom';
import { formatTokens, formatUsd, savingPhrase } from '../../shared/run/format';
import type { AnswerRenderer } from '../markdown';
import type { RunView } from '../../shared/run/view';
import type { ThreadPanelView, ThreadSummary } from '../../shared/messages';

export interface ThreadActions {
  followUp(question: string): void;
  newConversation(): void;
  open(threadId: string): void;
  exportThread(threadId: string): void;
  remove(threadId: string): void;
}

export class ThreadView {
  /** Above the run: the thread header and its earlier turns. */
  readonly el: HTMLElement;
  /** Under the answer: the follow-up box. */
  readonly followUpEl: HTMLFormElement;
  /** After the history: the conversations of this workspace. */
  readonly listEl: HTMLElement;
  private readonly title = h('p', { class: 'thread-title', id: 'thread-title' });
  private readonly turns = h('div', { class: 'thread-turns', id: 'thread-turns' });
  private readonly stale = h('p', { class: 'muted thread-stale', id: 'thread-stale', hidden: true });
  private readonly input = h('textarea', { id: 'follow-up', rows: 2, maxlength: 20000, 'aria-label': 'Follow-up question', placeholder: 'Ask a follow-up… (the earlier turns come along)' });
  private readonly list = h('ul', { class: 'history-list', id: 'thread-list' });
  private thread: ThreadPanelView | undefined;
  private threads: ThreadSummary[] = [];

  constructor(private readonly renderer: AnswerRenderer, private readonly actions: ThreadActions) {
    const fresh = h('button', { type: 'button', class: 'secondary', id: 'new-conversation' }, 'New conversation');
    fresh.addEventListener('click', () => actions.newConversation());
    this.el = h('section', { class: 'thread', id: 'thread', 'aria-label': 'Conversation', hidden: true },
      h('div', { class: 'thread-header' }, this.title, fresh), this.turns);
    this.followUpEl = h('form', { class: 'ask follow-up', id: 'follow-up-form', 'aria-label': 'Ask a follow-up', hidden: true },
      this.input, h('button', { type: 'submit', id: 'ask-follow-up' }, 'Ask follow-up'));
    this.followUpEl.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      actions.followUp(text);
      this.input.value = '';
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.followUpEl.requestSubmit();
      }
    });
    this.listEl = h('section', { class: 'history', id: 'conversations', 'aria-labelledby': 'conversations-title' },
      h('h3', { id: 'conversations-title' }, 'Conversations'), this.list);
  }

  setThread(thread: ThreadPanelView | undefined): void {
    this.thread = thread;
  }

  setThreads(threads: ThreadSummary[]): void {
    this.threads = threads;
  }

  update(view: RunView | undefined, live: boolean): void {
    const thread = this.thread && (!view || view.outcome === 'running' || this.thread.turns.some((t) => t.runId === view.runId) || view.conversation?.thread === this.thread.id) ? this.thread : undefined;
    const at = thread && view ? thread.turns.findIndex((t) => t.runId === view.runId) : -1;
    // The turns before the shown run (all of them while a follow-up is being asked).
    const earlier = thread ? (at >= 0 ? thread.turns.slice(0, at) : view?.conversation ? thread.turns : []) : [];
    this.el.hidden = !thread;
    if (thread) {
      const t = thread.totals;
      this.title.textContent = `Conversation · ${t.turns} turn${t.turns === 1 ? '' : 's'} · remote ${formatTokens(t.remoteTokens)} tokens, ${formatUsd(t.remoteCostUsd)} · ${savingPhrase(t.savedUsd, 'ok')} · ${t.cachedJobs} cached job${t.cachedJobs === 1 ? '' : 's'}`;
    }
    replaceChildren(this.turns, ...earlier.map((turn) => h('article', { class: 'thread-turn', 'data-turn': turn.turn },
      h('p', { class: 'thread-question' }, h('strong', {}, `Turn ${turn.turn}: `), turn.question),
      h('div', { class: 'markdown' }, this.renderer.render(turn.answer || `(no answer: ${turn.outcome})`)),
      h('p', { class: 'muted' }, `spent ${formatUsd(turn.remoteCostUsd)} · ${savingPhrase(turn.savedUsd, 'ok')}${turn.cachedJobs ? ` · ${turn.cachedJobs} cached job${turn.cachedJobs === 1 ? '' : 's'}` : ''}`))));
    const stale = view?.conversation?.stale ?? [];
    this.stale.hidden = stale.length === 0;
    this.stale.textContent = stale.length ? `Dropped ${stale.length} earlier finding${stale.length === 1 ? '' : 's'} as stale (the code changed): ${stale.slice(0, 6).map((c) => `${c.path}:${c.startLine}`).join(', ')}${stale.length > 6 ? ', …' : ''}` : '';
    if (!this.turns.contains(this.stale)) this.turns.append(this.stale);
    // A follow-up goes under the latest answer of the conversation.
    const latest = thread?.turns.at(-1);
    this.followUpEl.hidden = !(view && latest && latest.runId === view.runId && view.outcome !== 'running' && !live);
    replaceChildren(this.list, ...this.threads.map((t) => {
      const open = h('button', { type: 'button', class: 'link history-open', title: 'Reopen this conversation' }, t.title);
      open.addEventListener('click', () => this.actions.open(t.id));
      const exportButton = h('button', { type: 'button', class: 'secondary', 'aria-label': `Export the conversation "${t.title}" as Markdown` }, 'Export');
      exportButton.addEventListener('click', () => this.actions.exportThread(t.id));
      const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete the conversation "${t.title}"` }, 'Delete');
      remove.addEventListener('click', () => this.actions.remove(t.id));
      return h('li', { class: 'history-item', 'data-thread-id': t.id, 'aria-current': t.id === this.thread?.id ? 'true' : undefined },
        open, h('span', { class: 'history-meta' }, `${t.turns} turn${t.turns === 1 ? '' : 's'} · ${new Date(t.updatedAt).toLocaleString()}`), h('span', { class: 'history-actions' }, exportButton, remove));
    }));
    this.listEl.hidden = this.threads.length === 0;
  }
}
