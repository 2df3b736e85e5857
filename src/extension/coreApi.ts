// What the extension host needs from the core, as one narrow interface. The VS Code modules
// (index service, setup checks, run controller, model picker) depend on this, not on the
// core's modules directly: core.ts binds it to the real core, and activation stays cheap
// because nothing here pulls in tree-sitter or the model clients until they are used.

import type { Conversation } from '../core/protocol/thread';
import type { WorkspaceRoot } from '../core/index/paths';
import type { CodeIndex, IndexProgress } from '../core/index/types';
import type { RunEvent, ProtocolName } from '../core/protocol/events';
import type { SavedJob } from '../core/protocol/answer';
import type { ChatModel } from '../core/llm/types';
import type { MinionsSettings } from './settings';

/** A built index that can be kept fresh. */
export interface IndexHandle {
  readonly index: CodeIndex;
  /** The folders as the index names them: its paths start with these names in a multi-root workspace. */
  readonly roots: readonly WorkspaceRoot[];
  /** Documents left out (encrypted, broken, image-only PDFs) or read in part, with reason and hint. */
  documentNotes?(): { path: string; reason: string; hint: string; partial: boolean }[];
  /** Re-reads these workspace-relative paths (changed, created or deleted). */
  update(paths: readonly string[]): Promise<void>;
  dispose(): void;
}

export interface OpenIndexOptions {
  roots: readonly WorkspaceRoot[];
  cacheDir: string;
  settings: MinionsSettings['index'];
  onProgress?: (p: IndexProgress) => void;
  signal?: AbortSignal;
  /** Awaited between slices of a build (see IndexPacer): a background build yields to the editor. */
  pace?: () => Promise<void>;
}

export interface PullProgress {
  status: string;
  completed?: number;
  total?: number;
}

export type RemoteCheck = { ok: true } | { ok: false; code: string; message: string; hint?: string };

export interface RunInput {
  question: string;
  scope: readonly string[];
  settings: MinionsSettings;
  apiKey: string | undefined;
  index: CodeIndex;
  signal: AbortSignal;
  /** Retry answer: synthesize again from a saved run's jobs (no local job runs). */
  retry?: { protocol: ProtocolName; jobs: readonly SavedJob[] };
  /** A remote model made in the extension host (VS Code's own language models); else one is built from the settings. */
  remoteModel?: ChatModel;
  /** Where the job cache lives (beside the index cache); used when `minions.cache.jobs` is on. */
  cacheDir?: string;
  /** A follow-up: the thread's earlier turns and findings. */
  conversation?: Conversation;
}

export interface CoreApi {
  openIndex(options: OpenIndexOptions): Promise<IndexHandle>;
  clearIndexCache(cacheDir: string): Promise<void>;
  /** Model names the local server has (Ollama `/api/tags`, or `/v1/models` for OpenAI-compatible). Throws when unreachable. */
  listLocalModels(settings: MinionsSettings['local'], signal?: AbortSignal): Promise<string[]>;
  pullLocalModel(settings: MinionsSettings['local'], model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  /** A cheap authenticated request to the remote (e.g. list models) to see whether the key is accepted. */
  checkRemote(settings: MinionsSettings['remote'], apiKey: string, signal?: AbortSignal): Promise<RemoteCheck>;
  runProtocol(input: RunInput): AsyncIterable<RunEvent>;
}
