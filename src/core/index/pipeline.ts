// The build/update pipeline: walk -> change detection -> read -> chunk (parse workers) -> lexical
// index. A refresh re-walks everything; update() brings single paths (files or folders) current.
// Mutations are serialised so a refresh and an update never interleave.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MinionsError } from '../errors';
import type { Chunk, ChunkHit, FileHit, FileSummary, IndexProgress, IndexStats, SearchOptions } from './types';
import { languageOf } from './languages';
import { decodeText, decodesToItself, isMinified } from './text';
import type { ChunkIdentifiers } from './terms';
import { createChunkRunner, type ChunkRunner } from './parse-pool';
import { cacheKey, type CachedContent, type CachedFile, type CachedSkip } from './store';
import { IndexedContent } from './content';
import { tuneOwnProcessForIndexing } from './jit-budget';
import { absPath, checkAborted, GlobFilter, rootsFor, walkRoots, type SkipReason, type WalkRoot, type WalkedFile } from './walk';
import { WalkFeed } from './walk-feed';
import { ReadAhead } from './read-ahead';
import { admits, locate, readCandidate, sameStat } from './changes';
import { DEFAULT_PDF_LIMITS, documentKindOf, maxBytesFor, type DocumentNote } from './documents';
import { nameRoots, type WorkspaceRoot } from './paths';
import { FileTable } from './file-table';
import { IndexPersistence, type IndexMemory } from './persistence';
import { searchChunks, searchFiles } from './ranking';
import { DEFAULT_CHUNK_TOKENS, DEFAULT_MAX_FILE_BYTES, DEFAULT_PARSE_BUDGET_MS, type OpenIndexOptions, type RefreshOptions, type WorkspaceIndex } from './options';

/**
 * Files read and not yet chunked, per parse worker. Beyond the pool's batches (two of 64 per
 * worker), the rest wait in its queue: while big files keep the workers busy, the index's thread
 * reads ahead through the small ones that come next, instead of doing it later while the workers
 * wait on it. prettier, cold `minions index`, median of 8 alternating runs: 128 1.44 s, 256
 * 1.405 s, 512 1.41 s, 1024 1.43 s. (IN_FLIGHT_BYTES still caps the text held.)
 */
const FILES_IN_FLIGHT_PER_WORKER = 256;
const IN_FLIGHT_BYTES = 32 * 1024 * 1024;
/**
 * From a cache file this big, the walk a reopen checks it against runs on a thread of its own
 * beside the load. Below it the overlap does not pay for the thread (its start, and a walk ~20%
 * slower there): `minions index` reopens on 2 cores, thread vs none, median of 6: prettier (28 MB
 * cache) 0.46 vs 0.44 s, babel (46 MB) 0.81 vs 0.80 s, 50k files (193 MB) 1.15 vs 1.31 s, 92k
 * files (331 MB) 2.0-2.5 vs 2.6-3.4 s.
 */
export const WALK_BESIDE_LOAD_BYTES = 64 * 1024 * 1024;

export class Index implements WorkspaceIndex {
  private readonly roots: WalkRoot[];
  readonly workspaceRoots: readonly WorkspaceRoot[];
  private readonly table = new FileTable();
  private readonly memory: IndexMemory = {
    table: this.table,
    contents: new Map<string, CachedContent>(),
    skippedByContent: new Map<string, CachedSkip>(),
    priorFiles: new Map<string, CachedFile>(),
  };
  private readonly cache: IndexPersistence;
  private readonly globs: GlobFilter;
  private readonly maxFileBytes: number;
  private readonly chunkTokens: number;
  private readonly parseBudgetMs: number;
  private readonly runner: ChunkRunner;
  /** Documents the reader failed on this session, for the skip list (not cached). */
  private readonly transientNotes = new Map<string, { reason: string; hint: string }>();
  private skipped = 0;
  private lastMs = 0;
  /** The walk started before the cache load (see loadCache), for the first refresh. */
  private earlyWalk: WalkFeed | undefined;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OpenIndexOptions) {
    this.roots = rootsFor(options.roots);
    this.workspaceRoots = nameRoots(options.roots);
    this.globs = new GlobFilter(options.include, options.exclude);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.chunkTokens = options.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
    this.parseBudgetMs = options.parseBudgetMs ?? DEFAULT_PARSE_BUDGET_MS;
    this.runner = createChunkRunner(options.workers ?? Math.min(4, availableParallelism()), { place: options.parseIn });
    const key = cacheKey({
      roots: options.roots,
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      max: this.maxFileBytes,
      tokens: this.chunkTokens,
      pdf: options.pdfLimits ?? DEFAULT_PDF_LIMITS,
    });
    this.cache = new IndexPersistence(options.cacheDir, key, this.roots, this.memory, options.spoolAfterChars);
  }

  get stats(): IndexStats {
    let bytes = 0;
    for (const r of this.table.records.values()) bytes += r.bytes;
    return { files: this.table.records.size, chunks: this.table.lexical.chunkCount, bytes, skipped: this.skipped, ms: this.lastMs };
  }

  /**
   * Restores the cached index. A long load has the first refresh's walk start first, on a thread
   * of its own, so the two run side by side (the walk does not depend on what the cache holds).
   */
  loadCache(): void {
    if (this.cache.storedBytes() >= (this.options.walkBesideLoadBytes ?? WALK_BESIDE_LOAD_BYTES)) this.earlyWalk = this.startWalk(this.options.signal, true);
    this.cache.load();
  }

  private startWalk(signal: AbortSignal | undefined, onThread: boolean): WalkFeed {
    return new WalkFeed(this.roots, { include: this.options.include, exclude: this.options.exclude, maxFileBytes: this.maxFileBytes, signal, onSkip: this.options.onSkip }, onThread);
  }

  /** The early walk if it is this refresh's (same cancellation), else a walk started now. */
  private takeWalk(signal: AbortSignal | undefined): WalkFeed {
    const early = this.earlyWalk;
    this.earlyWalk = undefined;
    if (early && this.options.signal === signal) return early;
    early?.stop();
    return this.startWalk(signal, false);
  }

  /** Serialises index mutations: update() and refresh() never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  refresh(options: RefreshOptions = {}): Promise<IndexStats> {
    return this.exclusive(() => this.refreshNow(options.signal ?? this.options.signal, options.onProgress ?? this.options.onProgress));
  }

  private async refreshNow(signal: AbortSignal | undefined, onProgress: ((p: IndexProgress) => void) | undefined): Promise<IndexStats> {
    this.assertOpen();
    const started = performance.now();
    // Files left out after the walk let them through (binary or minified inside, ...); the walk
    // counts its own.
    let skipped = 0;
    const onSkip = (path: string, reason: SkipReason) => {
      skipped++;
      this.options.onSkip?.(path, reason);
    };
    onProgress?.({ done: 0, total: 0, phase: 'walk' });
    // A process of our own parses with V8's baseline wasm compiler for the grammars
    // (wasm-tiering.ts), chosen before its first grammar compiles and before the workers start
    // (they are handed the runtime compiled with the choice); and it optimises its JavaScript
    // later than V8's default (jit-budget.ts).
    if (this.options.ownsProcess && this.runner.workers > 0) tuneOwnProcessForIndexing();
    // Nothing known yet (no cache, no earlier build): every file will be parsed, so the workers
    // boot while the walk runs instead of after it.
    if (this.table.records.size === 0 && this.memory.priorFiles.size === 0) this.runner.prepare();
    // Files are indexed as the walk finds them: the workers start on the first folders while the
    // walk goes on.
    const feed = this.takeWalk(signal);
    // While the walk goes on, progress is 'walk' with the files found so far as the total; then
    // 'chunk', out of the final total.
    let done = 0;
    let lastReport = 0;
    const report = (force = false, phase: IndexProgress['phase'] = feed.done ? 'chunk' : 'walk') => {
      if (!onProgress) return;
      const now = performance.now();
      if (force || now - lastReport > 100) {
        lastReport = now;
        onProgress({ done, total: feed.count, phase });
      }
    };
    // Keep the parse workers busy: the main thread reads ahead, enough files in flight to fill
    // the pool's batches (two per worker), and at most IN_FLIGHT_BYTES of text held meanwhile.
    const ahead = new ReadAhead({ files: Math.max(2, this.runner.workers * FILES_IN_FLIGHT_PER_WORKER), bytes: IN_FLIGHT_BYTES, signal, pace: this.options.pace });
    const start = (file: WalkedFile) =>
      ahead.add(file.size, () =>
        this.indexFile(file, onSkip).then(() => {
          done++;
          report();
        }),
      );
    let first = true;
    for await (const batch of feed.batches()) {
      if (first) report(true, 'walk'); // the first files are found, none read yet
      first = false;
      for (const file of batch) {
        // Unchanged since the cache (most files of a reopen): nothing to read, no slot taken.
        if (this.unchanged(file)) {
          done++;
          report();
          const due = ahead.pass();
          if (due) await due;
          continue;
        }
        await start(file);
      }
    }
    const walked = await feed.files;
    report(true);
    const seen = new Set(walked.map((f) => f.path));
    for (const path of [...this.table.records.keys()]) if (!seen.has(path)) this.removeRecord(path);
    for (const path of [...this.memory.skippedByContent.keys()]) if (!seen.has(path)) this.memory.skippedByContent.delete(path);
    const total = walked.length;
    await ahead.drain();
    checkAborted(signal);
    // Every file is parsed: the workers stop (all of them for a one-shot caller, else all but one
    // kept warm for edits), and what they hold goes back while the postings merge and the cache
    // save allocate theirs (~100 MB of wasm and V8 heap per worker on a 105k-file tree).
    void this.runner.release(this.options.oneShot ? 0 : 1);
    // Searches read packed postings fastest; the cache save would pack them anyway.
    this.table.lexical.mergeLogs();
    report(true);
    this.skipped = feed.skipped + skipped;
    this.memory.priorFiles = new Map();
    this.lastMs = Math.round(performance.now() - started);
    onProgress?.({ done: total, total, phase: 'save' });
    void this.cache.save();
    return this.stats;
  }

  /**
   * Brings one walked file up to date: keep, reuse cached content, or read and chunk. A walk
   * trusts an unchanged stat (`trustStat`); an update of the path does not: two writes of the
   * same size within one tick of the file system's clock leave size and mtime as they were (a
   * 1-file update takes ~3 ms, and the edit after it went unseen), so an update reads the file
   * and lets its hash decide.
   */
  private async indexFile(file: WalkedFile, onSkip: (path: string, reason: SkipReason) => void, trustStat = true): Promise<void> {
    const { contents, priorFiles, skippedByContent } = this.memory;
    const live = this.table.records.get(file.path);
    if (trustStat) {
      if (this.unchanged(file, live)) return;
      const prior = priorFiles.get(file.path);
      if (!live && prior && sameStat(prior, file)) {
        const content = contents.get(prior.hash);
        if (content) {
          this.addRecord(file, prior.hash, content);
          return;
        }
      }
      // A file found binary or minified before, unchanged since, is not read again.
      const known = skippedByContent.get(file.path);
      if (!live && known && sameStat(known, file)) {
        onSkip(file.path, known.reason);
        return;
      }
    }
    const doc = documentKindOf(file.path);
    // A PDF is binary by nature: read whole, never sniffed.
    const read = readCandidate(file.abs, file.size, doc !== 'pdf');
    if (read.kind === 'skip') {
      if (live) this.removeRecord(file.path);
      this.rememberSkip(file, read.reason);
      onSkip(file.path, read.reason);
      return;
    }
    if (live && live.hash === read.hash) {
      live.size = file.size;
      live.mtimeMs = file.mtimeMs;
      this.cache.dirty = true;
      return;
    }
    let content = contents.get(read.hash);
    let identifiers: ChunkIdentifiers | undefined;
    if (!content) {
      const text = doc === 'pdf' ? '' : decodeText(read.bytes);
      // A notebook's JSON has long lines (outputs) but is read as cells, not as the JSON.
      if (!doc && isMinified(text)) {
        if (live) this.removeRecord(file.path);
        this.rememberSkip(file, 'minified');
        onSkip(file.path, 'minified');
        return;
      }
      const lang = languageOf(file.path);
      const result = await this.runner.chunk({
        text,
        language: lang.id,
        grammar: lang.grammar,
        chunkTokens: this.chunkTokens,
        parseBudgetMs: this.parseBudgetMs,
        withIdentifiers: this.runner.workers > 0,
        ...(doc ? { document: doc, pdfLimits: this.options.pdfLimits ?? DEFAULT_PDF_LIMITS } : {}),
        ...(doc === 'pdf' ? { bytes: read.bytes } : {}),
      });
      if (result.unreadable) {
        if (live) this.removeRecord(file.path);
        const { reason, hint, transient } = result.unreadable;
        // Remembered (not read again while unchanged) unless the reader itself failed.
        if (transient) this.transientNotes.set(file.path, { reason, hint });
        else this.rememberSkip(file, 'unreadable-document', { reason, hint });
        onSkip(file.path, 'unreadable-document');
        return;
      }
      // A file whose bytes are its text is held as those bytes (see IndexedContent), unless the
      // lexical index is about to read the text itself (no identifiers came with the chunks).
      const source = result.text !== undefined ? { text: result.text } : result.identifiers && decodesToItself(read.bytes) ? { bytes: read.bytes } : { text };
      content = new IndexedContent(read.hash, lang.id, result.chunks, source, result.partial, result.text !== undefined);
      identifiers = result.identifiers;
      contents.set(read.hash, content);
    }
    if (this.disposed) return;
    if (this.table.records.has(file.path)) this.removeRecord(file.path);
    this.table.add(file, read.hash, content, identifiers);
    this.cache.spool(content);
    this.cache.dirty = true;
  }

  /** Indexed already, with the stat the walk found: a walk trusts it (see indexFile). */
  private unchanged(file: WalkedFile, live = this.table.records.get(file.path)): boolean {
    return live !== undefined && sameStat(live, file);
  }

  private rememberSkip(file: WalkedFile, reason: SkipReason, note?: { reason: string; hint: string }): void {
    if (reason !== 'binary' && reason !== 'minified' && reason !== 'unreadable-document') return; // others may pass next time
    this.memory.skippedByContent.set(file.path, { path: file.path, size: file.size, mtimeMs: file.mtimeMs, reason: reason, ...(note ? { note } : {}) });
    this.cache.dirty = true;
  }

  private addRecord(file: WalkedFile, hash: string, content: CachedContent): void {
    this.table.add(file, hash, content);
    this.cache.dirty = true;
  }

  private removeRecord(path: string): void {
    if (this.table.remove(path)) this.cache.dirty = true;
  }

  update(paths: string[], signal?: AbortSignal): Promise<void> {
    return this.exclusive(async () => {
      this.assertOpen();
      for (const p of paths) {
        checkAborted(signal);
        await this.updateOne(p);
      }
      this.cache.scheduleSave();
    });
  }

  private async updateOne(p: string): Promise<void> {
    const where = locate(this.roots, p);
    if (!where) return;
    const root = this.roots[where.root]!;
    const path = root.prefix + where.rel;
    const abs = absPath(root, where.rel);
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(abs, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      await this.updateDirectory(where.root, where.rel);
      return;
    }
    // Whatever was indexed under this path as a folder is gone or now a file. (A path indexed as
    // a file had nothing under it: the common edit skips this scan over every record.)
    const folderPrefix = path === '' ? '' : path + '/';
    if (folderPrefix && !this.table.records.has(path))
      for (const key of [...this.table.records.keys()]) if (key.startsWith(folderPrefix)) this.removeRecord(key);
    if (!st || !st.isFile() || !admits(root, this.globs, where.rel, false) || st.size > maxBytesFor(where.rel, this.maxFileBytes)) {
      this.removeRecord(path);
      return;
    }
    await this.indexFile({ root: where.root, abs, rel: where.rel, path, size: st.size, mtimeMs: st.mtimeMs }, () => this.removeRecord(path), false);
  }

  /** Walks one folder (a renamed or created directory) and syncs the records under it. */
  private async updateDirectory(rootIndex: number, rel: string): Promise<void> {
    const root = this.roots[rootIndex]!;
    if (rel && !admits(root, this.globs, rel, true)) {
      const prefix = root.prefix + rel + '/';
      for (const key of [...this.table.records.keys()]) if (key.startsWith(prefix)) this.removeRecord(key);
      return;
    }
    const walked = await walkRoots(this.roots, {
      include: this.options.include,
      exclude: this.options.exclude,
      maxFileBytes: this.maxFileBytes,
      startAt: { root: rootIndex, rel },
    });
    const prefix = rel ? root.prefix + rel + '/' : root.prefix;
    const seen = new Set(walked.map((f) => f.path));
    for (const key of [...this.table.records.keys()]) if (key.startsWith(prefix) && !seen.has(key)) this.removeRecord(key);
    for (const f of walked) await this.indexFile(f, () => this.removeRecord(f.path));
  }

  documentNotes(): DocumentNote[] {
    const out: DocumentNote[] = [];
    for (const k of this.memory.skippedByContent.values()) if (k.note) out.push({ path: k.path, ...k.note, partial: false });
    for (const [path, note] of this.transientNotes) if (!this.table.records.has(path)) out.push({ path, ...note, partial: false });
    for (const r of this.table.records.values()) if (r.content.note) out.push({ path: r.path, ...r.content.note, partial: true });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  files(): readonly FileSummary[] {
    return this.table.summaries();
  }

  chunksOf(path: string): readonly Chunk[] {
    const r = this.table.records.get(path);
    return r ? [...this.table.chunksOf(r)] : [];
  }

  getChunk(id: string): Chunk | undefined {
    return this.table.chunkById(id);
  }

  search(query: string, options: SearchOptions = {}): ChunkHit[] {
    return searchChunks(this.table, query, options);
  }

  searchFiles(query: string, options: SearchOptions = {}): FileHit[] {
    return searchFiles(this.table, query, options);
  }

  private assertOpen(): void {
    if (this.disposed) throw new MinionsError('internal', 'The index was used after it was closed', 'Open the index again');
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.earlyWalk?.stop();
    await this.queue;
    this.cache.cancelScheduled();
    this.disposed = true;
    await this.runner.close();
    await this.cache.save();
    this.cache.close();
  }

  async closeAfterFailure(): Promise<void> {
    this.disposed = true;
    this.earlyWalk?.stop();
    this.cache.cancelScheduled();
    await this.runner.close();
    await this.cache.settled();
    this.cache.close();
  }
}
