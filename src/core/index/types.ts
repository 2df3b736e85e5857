// The index's public shapes. The protocol engine, the CLI and the extension depend on these,
// not on how the index is built or stored.

/** One piece of a file that a local worker reads in a single job. */
export interface Chunk {
  /** Stable id: `${path}:${startLine}-${endLine}`. */
  readonly id: string;
  /** Workspace-relative path with `/` separators. In a multi-root workspace it starts with the root's name. */
  readonly path: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  /** 1-based, inclusive. */
  readonly endLine: number;
  /** Language id, e.g. `typescript`, `python`, `markdown`, `text`. */
  readonly language: string;
  /** Enclosing symbol where there is one, e.g. `Class.method`. */
  readonly symbol?: string;
  /** Token count (o200k-compatible estimate or exact). */
  readonly tokens: number;
  readonly text: string;
  /** PDFs: the 1-based page the chunk is on (chunks never cross a page). */
  readonly page?: number;
  /** PDFs: the document's page count. */
  readonly pages?: number;
  /** Notebooks: the 1-based cell the chunk belongs to. */
  readonly cell?: number;
  /**
   * PDFs and notebooks: lines of the indexed text before the chunk's page or cell, so the
   * line within the page or cell is `line - lineOffset`.
   */
  readonly lineOffset?: number;
}

/** What the repository map shows the remote planner about a file (never its content). */
export interface FileSummary {
  readonly path: string;
  readonly language: string;
  readonly bytes: number;
  readonly lines: number;
  readonly chunks: number;
  /** Top-level symbol names (classes, functions), for the repository map. */
  readonly symbols: readonly string[];
}

export interface SearchOptions {
  /** How many results to return (default 10). */
  top?: number;
  /** Only chunks whose path matches one of these minimatch globs (workspace-relative). */
  globs?: readonly string[];
  /** Only chunks under these workspace-relative paths (files or folders): the "Analyze with Minions" scope. */
  scope?: readonly string[];
}

export interface ChunkHit {
  readonly chunk: Chunk;
  readonly score: number;
}

export interface FileHit {
  readonly path: string;
  readonly score: number;
  /** The file's best chunks, best first. */
  readonly chunks: readonly ChunkHit[];
}

/**
 * Progress of a build or refresh: files done out of total. Files are indexed as the walk finds
 * them: during 'walk' the total is what it has found so far, from 'chunk' on it is final.
 */
export interface IndexProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: 'walk' | 'chunk' | 'save';
}

export interface IndexStats {
  readonly files: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly skipped: number;
  readonly ms: number;
}

/** A built, searchable index of one workspace (one or more roots). */
export interface CodeIndex {
  readonly stats: IndexStats;
  files(): readonly FileSummary[];
  chunksOf(path: string): readonly Chunk[];
  getChunk(id: string): Chunk | undefined;
  search(query: string, options?: SearchOptions): ChunkHit[];
  searchFiles(query: string, options?: SearchOptions): FileHit[];
}
