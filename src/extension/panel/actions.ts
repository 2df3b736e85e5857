// What the panel asks of the extension host (its own module, so the panel and its message
// handlers both name it without importing each other).
import type { Citation, ProtocolName } from '../../core/protocol/events';
import type { SavedJob } from '../../core/protocol/answer';
import type { Conversations } from '../conversations';

/** What the panel asks of the extension host; the host owns runs and editors. */
export interface PanelActions {
  /** The panel's own input box. */
  ask(question: string): void;
  /** The Cancel button (and Escape in the panel). */
  cancel(): void;
  /**
   * Opens the cited file at its lines, after checking that the path names a file inside a
   * workspace folder (following links). Resolves false, opening nothing, when it does not.
   */
  openCitation(citation: Citation): Promise<boolean>;
  /** Retry answer: run only the synthesis again on a saved run's findings. Optional. */
  retryAnswer?(question: string, scope: readonly string[], retry: { protocol: ProtocolName; jobs: readonly SavedJob[] }): void;
  /** The follow-up box: a question that continues the current conversation. */
  followUp?(question: string): void;
  /** The workspace's threads (the conversation list, reopen, export, delete). */
  conversations?: Conversations;
}
