// The panel's conversation messages: the follow-up box, "New conversation", and the thread
// list (reopen, export as Markdown, delete). Validated by parseWebviewMessage before they get here.
import * as vscode from 'vscode';
import type { HostToWebview, PanelNotice, WebviewToHost } from '../../shared/messages';
import { threadPanelView } from '../conversations';
import type { PanelActions } from './actions';
import { redactSecrets } from '../../shared/redact';
import { threadToMarkdown } from './thread-markdown';

export type ThreadMessage = Extract<WebviewToHost, { type: 'follow-up' | 'new-conversation' | 'open-thread' | 'export-thread' | 'delete-thread' }>;

export interface ThreadPanel {
  post(message: HostToWebview): void;
  notice(notice: PanelNotice): void;
  openRun(runId: string): Promise<unknown>;
  secrets(): Promise<readonly string[]>;
}

const GONE: PanelNotice = { level: 'error', message: 'That conversation is no longer in the history', hint: 'It may have been deleted in another window.' };

export async function handleThreadMessage(message: ThreadMessage, panel: ThreadPanel, actions: PanelActions | undefined): Promise<'accepted' | 'refused'> {
  const conversations = actions?.conversations;
  if (message.type === 'follow-up') {
    if (!actions?.followUp) return 'refused';
    actions.followUp(message.question);
    return 'accepted';
  }
  if (!conversations) return 'refused';
  switch (message.type) {
    case 'new-conversation':
      conversations.startNew();
      return 'accepted';
    case 'open-thread': {
      const thread = await conversations.open(message.threadId);
      if (!thread) {
        panel.notice(GONE);
        return 'refused';
      }
      const last = thread.turns.at(-1);
      if (last) await panel.openRun(last.runId);
      return 'accepted';
    }
    case 'export-thread': {
      const thread = await conversations.store.get(message.threadId);
      if (!thread) {
        panel.notice(GONE);
        return 'refused';
      }
      const secrets = await panel.secrets();
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: redactSecrets(threadToMarkdown(thread), [...secrets]) });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
      return 'accepted';
    }
    case 'delete-thread':
      await conversations.remove(message.threadId);
      await postThreads(panel, actions);
      return 'accepted';
  }
}

/** Sends the page the conversation list and the current conversation (or the one of the run it shows). */
export async function postThreads(panel: Pick<ThreadPanel, 'post'>, actions: PanelActions | undefined, shownRunId?: string): Promise<void> {
  const conversations = actions?.conversations;
  if (!conversations) return;
  let thread = await conversations.current();
  if (!thread && shownRunId) {
    thread = await conversations.ofRun(shownRunId);
    if (thread) await conversations.open(thread.id);
  }
  panel.post({ type: 'threads', threads: await conversations.list() });
  panel.post(thread ? { type: 'thread', thread: threadPanelView(thread) } : { type: 'thread' });
}
