// What a caller passes to open the workspace index and what it gets back; the defaults live here
// so the pipeline, the cache key and the benchmarks agree on them.
import type { CodeIndex, IndexProgress, IndexStats } from './types';
import type { SkipReason } from './walk';
import type { WorkspaceRoot } from './paths';
import type { DocumentNote } from './documents';
import type { PdfLimits } from './extract-pdf';
import type { ParsePlace } from './parse-pool';

export interface OpenIndexOptions {
  /** Absolute folder paths. With more than one root, chunk paths start with the root's folder name. */
  roots: string[];
  /** Where the on-disk cache lives; none = memory only. */
  cacheDir?: string;
  /** minimatch globs, workspace-relative. */
  include?: string[];
  exclude?: string[];
  /** Default 1_000_000. */
  maxFileBytes?: number;
  /** Target chunk size in tokens (default 512). */
  chunkTokens?: number;
  onProgress?: (p: IndexProgress) => void;
  /** Cancel -> rejects with MinionsError('index-cancelled'). */
  signal?: AbortSignal;
  /** Parse workers (default: one per core, at most 4; 0 = parse on the calling thread). */
  workers?: number;
  /**
   * Where the parse workers run (default threads). A shared process (the extension host) asks
   * for processes: only a process of our own may keep the grammars' wasm at V8's baseline tier
   * (wasm-tiering.ts), and a cold index runs that way at the CLI's speed. Processes that cannot
   * start give way to threads.
   */
  parseIn?: ParsePlace;
  /** Per-file parse time budget in ms before falling back to line chunks (default 2000). */
  parseBudgetMs?: number;
  /** Text a build holds in memory before it spools new texts beside the cache (default 16 Mi characters, SPOOL_AFTER_CHARS). */
  spoolAfterChars?: number;
  /**
   * The caller owns its process (a CLI, a server): a build then tells V8 not to optimise the
   * grammars' wasm, which costs more than it saves (see wasm-tiering.ts).
   * Never set it in a shared process such as the extension host: V8 flags are process-wide.
   */
  ownsProcess?: boolean;
  /**
   * The caller builds, reads and ends (a CLI command): a build then stops every parse worker once
   * it has parsed. Otherwise one stays, warm, for the edits and refreshes that follow.
   */
  oneShot?: boolean;
  /** Called for each file left out, with the reason (for diagnostics; never called with content). */
  onSkip?: (path: string, reason: SkipReason) => void;
  /**
   * Called between files while a refresh runs, after each slice of work (about PACE_SLICE_MS);
   * the refresh waits for it. A host slows or pauses a background build with it (the editor
   * yields while the user types); without it the refresh only yields to the event loop.
   */
  pace?: () => Promise<void>;
  /**
   * Cache files at least this big are loaded while the walk runs on a thread of its own
   * (default WALK_BESIDE_LOAD_BYTES, 64 MiB; 0 = always, Infinity = never).
   */
  walkBesideLoadBytes?: number;
  /** PDFs: page cap and time budget per file (default 500 pages, 20 s). */
  pdfLimits?: PdfLimits;
}

/** Work between two calls of `pace`, in ms of main-thread time. */
export const PACE_SLICE_MS = 8;

export interface RefreshOptions {
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
}

export interface WorkspaceIndex extends CodeIndex {
  /** The folders as the index names them (see paths.ts). */
  readonly workspaceRoots: readonly WorkspaceRoot[];
  /** Re-stat/re-read only these paths (absolute or workspace-relative): changed, added, deleted, renamed. */
  update(paths: string[], signal?: AbortSignal): Promise<void>;
  /** Re-walk everything, re-reading only files whose stat/hash changed. */
  refresh(options?: RefreshOptions): Promise<IndexStats>;
  /** Documents left out (encrypted, broken, image-only PDFs) or read in part, with reason and hint. */
  documentNotes(): DocumentNote[];
  /** Stops workers and writes any pending cache update. */
  dispose(): Promise<void>;
}

export const DEFAULT_MAX_FILE_BYTES = 1_000_000;
export const DEFAULT_CHUNK_TOKENS = 512;
export const DEFAULT_PARSE_BUDGET_MS = 2000;
