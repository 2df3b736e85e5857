// The workspace index: walk -> read -> chunk (parse workers) -> lexical index, cached on disk.
// `openIndex` builds or reopens it; `update` and `refresh` keep it current. Everything a caller
// sees is in ./types; how files are cut and ranked stays behind this module.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import { MinionsError } from '../errors';
import type { Chunk, ChunkHit, CodeIndex, FileHit, FileSummary, IndexProgress, IndexStats, SearchOptions } from './types';
import type { ChunkSpec } from './chunk-types';
import { languageOf } from './languages';
import { looksBinary, SNIFF_BYTES } from './binary';
import { decodeText, isMinified, lineStarts, sliceLines } from './text';
import { identifiersOfChunks, type ChunkIdentifiers } from './terms';
import { createChunkRunner, type ChunkRunner } from './parse-pool';
import { LexicalIndex, type ScoreResult } from './lexical';
import { parseQuery } from './query';
import { CACHE_FORMAT, cacheKey, readSnapshot, removeSnapshots, writeSnapshot, type CachedContent, type CachedFile, type CachedRecord, type CachedSkip } from './store';
import { IgnoreStack } from './ignore-rules';
import { nameRoots, type WorkspaceRoot } from './paths';
import { checkAborted, GlobFilter, rootsFor, walkRoots, yieldToLoop, type SkipReason, type WalkRoot, type WalkedFile } from './walk';
import { isSecretFileName } from './secrets';
import { hasBinaryExtension } from './binary';
import { DEFAULT_PDF_LIMITS, documentKindOf, maxBytesFor, type DocumentNote } from './documents';
import type { PdfLimits } from './extract-pdf';

export type { SkipReason } from './walk';

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
  /** Parse worker threads (default: one per core, at most 4; 0 = parse on the calling thread). */
  workers?: number;
  /** Per-file parse time budget in ms before falling back to line chunks (default 2000). */
  parseBudgetMs?: number;
  /** Called for each file left out, with the reason (for diagnostics; never called with content). */
  onSkip?: (path: string, reason: SkipReason) => void;
  /** PDFs: page cap and time budget per file (default 500 pages, 20 s). */
  pdfLimits?: PdfLimits;
}

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
const DEFAULT_PARSE_BUDGET_MS = 2000;
/**
 * Delay before update()s are written to the cache: a burst of edits is one write, and a save
 * (serialising the whole index) rarely lands between edits. Losing a pending save costs nothing
 * but speed: the next open re-reads the files whose stat no longer matches the cache.
 */
const SAVE_DELAY_MS = 30_000;

interface FileRecord {
  readonly slot: number;
  readonly path: string;
  readonly root: number;
  readonly rel: string;
  readonly abs: string;
  size: number;
  mtimeMs: number;
  readonly hash: string;
  readonly content: CachedContent;
  readonly lines: number;
  readonly bytes: number;
  readonly chunkSlots: number[];
  /** Made on first use. */
  chunks?: Chunk[];
  symbols?: string[];
  /** A test, doc or example file (see isSecondaryPath). */
  readonly secondary: boolean;
}

type ReadOutcome =
  | { kind: 'content'; hash: string; bytes: Uint8Array }
  | { kind: 'skip'; reason: SkipReason };

function readCandidate(abs: string, size: number, sniff = true): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return { kind: 'skip', reason: 'unreadable' };
  }
  try {
    const bytes = new Uint8Array(size);
    // Sniff a small prefix first: a binary file is closed after SNIFF_BYTES, not read whole.
    const head = readSync(fd, bytes, 0, Math.min(size, SNIFF_BYTES), 0);
    if (sniff && looksBinary(bytes.subarray(0, head))) return { kind: 'skip', reason: 'binary' };
    let off = head;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = off === size ? bytes : bytes.subarray(0, off);
    return { kind: 'content', hash: createHash('sha1').update(data).digest('hex'), bytes: data };
  } catch {
    return { kind: 'skip', reason: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}


class Index implements WorkspaceIndex {
  private readonly roots: WalkRoot[];
  readonly workspaceRoots: readonly WorkspaceRoot[];
  private readonly records = new Map<string, FileRecord>();
  private readonly bySlot: (FileRecord | undefined)[] = [];
  private lexical = new LexicalIndex();
  /** Content by hash, from the disk cache and from files indexed in this session. */
  private readonly contents = new Map<string, CachedContent>();
  /** Stat seen per path in the disk cache, consumed as files are indexed. */
  private priorFiles = new Map<string, CachedFile>();
  /** Files left out for their content (binary, minified), with the stat they had then. */
  private readonly skippedByContent = new Map<string, CachedSkip>();
  /** Documents the reader failed on this session, for the skip list (not cached). */
  private readonly transientNotes = new Map<string, { reason: string; hint: string }>();
  private readonly globs: GlobFilter;
  private readonly maxFileBytes: number;
  private readonly chunkTokens: number;
  private readonly parseBudgetMs: number;
  private readonly runner: ChunkRunner;
  private readonly key: string;
  private nextFileSlot = 0;
  private skipped = 0;
  private lastMs = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private saving: Promise<void> | undefined;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OpenIndexOptions) {
    this.roots = rootsFor(options.roots);
    this.workspaceRoots = nameRoots(options.roots);
    this.globs = new GlobFilter(options.include, options.exclude);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.chunkTokens = options.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
    this.parseBudgetMs = options.parseBudgetMs ?? DEFAULT_PARSE_BUDGET_MS;
    this.runner = createChunkRunner(options.workers ?? Math.min(4, availableParallelism()));
    this.key = cacheKey({
      roots: options.roots,
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      max: this.maxFileBytes,
      tokens: this.chunkTokens,
      pdf: options.pdfLimits ?? DEFAULT_PDF_LIMITS,
    });
  }

  get stats(): IndexStats {
    let bytes = 0;
    for (const r of this.records.values()) bytes += r.bytes;
    return { files: this.records.size, chunks: this.lexical.chunkCount, bytes, skipped: this.skipped, ms: this.lastMs };
  }

  loadCache(): void {
    if (!this.options.cacheDir) return;
    const snap = readSnapshot(this.options.cacheDir, this.key);
    if (!snap) return;
    for (const [hash, c] of snap.contents) this.contents.set(hash, c);
    for (const k of snap.skipped ?? []) this.skippedByContent.set(k.path, k);
    if (snap.live && this.restoreLive(snap.live)) return;
    for (const f of snap.files) this.priorFiles.set(f.path, f);
  }

  /** Reinstates the saved records and lexical index as they were; false if they do not line up. */
  private restoreLive(live: NonNullable<import('./store').CacheSnapshot['live']>): boolean {
    for (const r of live.records) {
      const c = this.contents.get(r.hash);
      if (!c || c.specs.length !== r.chunkSlots.length || r.root >= this.roots.length) return false;
    }
    this.lexical = LexicalIndex.restore(live.lexical);
    for (const r of live.records) {
      const root = this.roots[r.root]!;
      const file: WalkedFile = { root: r.root, abs: r.rel ? join(root.abs, ...r.rel.split('/')) : root.abs, rel: r.rel, path: r.path, size: r.size, mtimeMs: r.mtimeMs };
      this.installRecord(file, r.hash, this.contents.get(r.hash)!, r.slot, r.chunkSlots);
    }
    this.nextFileSlot = live.nextFileSlot;
    return true;
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
    let skipped = 0;
    const onSkip = (path: string, reason: SkipReason) => {
      skipped++;
      this.options.onSkip?.(path, reason);
    };
    onProgress?.({ done: 0, total: 0, phase: 'walk' });
    const walked = await walkRoots(this.roots, {
      include: this.options.include,
      exclude: this.options.exclude,
      maxFileBytes: this.maxFileBytes,
      signal,
      onSkip,
    });
    const seen = new Set(walked.map((f) => f.path));
    for (const path of [...this.records.keys()]) if (!seen.has(path)) this.removeRecord(path);
    for (const path of [...this.skippedByContent.keys()]) if (!seen.has(path)) this.skippedByContent.delete(path);

    const total = walked.length;
    let done = 0;
    let lastReport = 0;
    const report = (force = false) => {
      const now = performance.now();
      if (onProgress && (force || now - lastReport > 100)) {
        lastReport = now;
        onProgress({ done, total, phase: 'chunk' });
      }
    };
    report(true);
    // Keep the parse workers busy: several files in flight per worker, the main thread reading ahead.
    const inFlight = new Set<Promise<void>>();
    const limit = Math.max(2, this.runner.workers * 4);
    let sinceYield = 0;
    for (const file of walked) {
      checkAborted(signal);
      const p = this.indexFile(file, onSkip).then(() => {
        done++;
        report();
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
      if (inFlight.size >= limit) await Promise.race(inFlight);
      else if (++sinceYield >= 32) {
        sinceYield = 0;
        await yieldToLoop();
      }
    }
    await Promise.all(inFlight);
    checkAborted(signal);
    report(true);
    this.skipped = skipped;
    this.priorFiles = new Map();
    this.lastMs = Math.round(performance.now() - started);
    onProgress?.({ done: total, total, phase: 'save' });
    void this.save();
    return this.stats;
  }

  /** Brings one walked file up to date: keep, reuse cached content, or read and chunk. */
  private async indexFile(file: WalkedFile, onSkip: (path: string, reason: SkipReason) => void): Promise<void> {
    const live = this.records.get(file.path);
    if (live && live.size === file.size && live.mtimeMs === file.mtimeMs) return;
    const prior = this.priorFiles.get(file.path);
    if (!live && prior && prior.size === file.size && prior.mtimeMs === file.mtimeMs) {
      const content = this.contents.get(prior.hash);
      if (content) {
        this.addRecord(file, prior.hash, content);
        return;
      }
    }
    // A file found binary or minified before, unchanged since, is not read again.
    const known = this.skippedByContent.get(file.path);
    if (!live && known && known.size === file.size && known.mtimeMs === file.mtimeMs) {
      onSkip(file.path, known.reason);
      return;
    }
    const doc = documentKindOf(file.path);
    // A PDF is binary by nature: read whole, never sniffed.
    const read = doc === 'pdf' ? readCandidate(file.abs, file.size, false) : readCandidate(file.abs, file.size);
    if (read.kind === 'skip') {
      if (live) this.removeRecord(file.path);
      this.rememberSkip(file, read.reason);
      onSkip(file.path, read.reason);
      return;
    }
    if (live && live.hash === read.hash) {
      live.size = file.size;
      live.mtimeMs = file.mtimeMs;
      this.dirty = true;
      return;
    }
    let content = this.contents.get(read.hash);
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
      content = { language: lang.id, text: result.text ?? text, specs: result.chunks, ...(result.partial ? { note: result.partial } : {}) };
      identifiers = result.identifiers;
      this.contents.set(read.hash, content);
    }
    if (this.disposed) return;
    if (this.records.has(file.path)) this.removeRecord(file.path);
    this.addRecord(file, read.hash, content, identifiers);
  }

  private rememberSkip(file: WalkedFile, reason: SkipReason, note?: { reason: string; hint: string }): void {
    if (reason !== 'binary' && reason !== 'minified' && reason !== 'unreadable-document') return; // others may pass next time
    this.skippedByContent.set(file.path, { path: file.path, size: file.size, mtimeMs: file.mtimeMs, reason: reason, ...(note ? { note } : {}) });
    this.dirty = true;
  }

  private addRecord(file: WalkedFile, hash: string, content: CachedContent, identifiers?: ChunkIdentifiers): void {
    this.installRecord(file, hash, content, this.nextFileSlot++, undefined, identifiers);
    this.dirty = true;
  }

  /**
   * Makes a file's chunks live. Without `savedSlots` its chunks are added to the lexical index;
   * with them (a restored cache) the lexical index already holds them under those slots.
   */
  private installRecord(
    file: WalkedFile,
    hash: string,
    content: CachedContent,
    slot: number,
    savedSlots?: readonly number[],
    identifiers?: ChunkIdentifiers,
  ): void {
    // Chunk objects are made when first asked for (search hits, chunksOf): a reopen from the
    // cache creates none, which is most of what keeps it fast.
    const chunkSlots = savedSlots
      ? [...savedSlots]
      : this.lexical.addChunks(slot, identifiers ?? identifiersOfChunks(sliceLines(content.text, content.specs)), content.specs.map((s) => s.names ?? []));
    if (!savedSlots) this.lexical.addFile(slot, file.path);
    const specs = content.specs;
    const record: FileRecord = {
      slot,
      path: file.path,
      root: file.root,
      rel: file.rel,
      abs: file.abs,
      size: file.size,
      mtimeMs: file.mtimeMs,
      hash,
      content,
      lines: specs.length ? specs[specs.length - 1]!.endLine : 0,
      bytes: file.size,
      chunkSlots,
      secondary: isSecondaryPath(file.path),
    };
    this.records.set(file.path, record);
    this.bySlot[slot] = record;
  }

  private chunksOfRecord(r: FileRecord): Chunk[] {
    if (!r.chunks) {
      const texts = sliceLines(r.content.text, r.content.specs);
      r.chunks = r.content.specs.map((s, i) => makeChunk(r.path, r.content.language, s, texts[i]!));
    }
    return r.chunks;
  }

  private removeRecord(path: string): void {
    const r = this.records.get(path);
    if (!r) return;
    const chunks = this.chunksOfRecord(r);
    for (let i = 0; i < r.chunkSlots.length; i++) this.lexical.removeChunk(r.chunkSlots[i]!, { text: chunks[i]!.text, names: [] });
    this.lexical.removeFile(r.slot, r.path);
    this.bySlot[r.slot] = undefined;
    this.dirty = true;
    this.records.delete(path);
  }

  update(paths: string[], signal?: AbortSignal): Promise<void> {
    return this.exclusive(async () => {
      this.assertOpen();
      for (const p of paths) {
        checkAborted(signal);
        await this.updateOne(p);
      }
      this.scheduleSave();
    });
  }

  /** Resolves an absolute or workspace-relative path to a root and root-relative path. */
  private locate(p: string): { root: number; rel: string } | undefined {
    if (isAbsolute(p)) {
      for (let i = 0; i < this.roots.length; i++) {
        const rel = relative(this.roots[i]!.abs, p);
        if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return { root: i, rel: rel.split(sep).join('/') };
      }
      return undefined;
    }
    const norm = p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    for (let i = 0; i < this.roots.length; i++) {
      const prefix = this.roots[i]!.prefix;
      if (!prefix) return { root: i, rel: norm === '.' ? '' : norm };
      if (norm + '/' === prefix) return { root: i, rel: '' };
      if (norm.startsWith(prefix)) return { root: i, rel: norm.slice(prefix.length) };
    }
    return undefined;
  }

  private async updateOne(p: string): Promise<void> {
    const where = this.locate(p);
    if (!where) return;
    const root = this.roots[where.root]!;
    const path = root.prefix + where.rel;
    const abs = where.rel ? join(root.abs, ...where.rel.split('/')) : root.abs;
    let st: ReturnType<typeof statSync> | undefined;
    try {
      const l = statSync(abs, { throwIfNoEntry: false });
      st = l;
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      await this.updateDirectory(where.root, where.rel);
      return;
    }
    // Whatever was indexed under this path as a folder is gone or now a file.
    const folderPrefix = path === '' ? '' : path + '/';
    for (const key of [...this.records.keys()]) if (folderPrefix && key.startsWith(folderPrefix)) this.removeRecord(key);
    if (!st || !st.isFile() || !this.admits(where.root, where.rel, false) || st.size > maxBytesFor(where.rel, this.maxFileBytes)) {
      this.removeRecord(path);
      return;
    }
    await this.indexFile({ root: where.root, abs, rel: where.rel, path, size: st.size, mtimeMs: st.mtimeMs }, () => this.removeRecord(path));
  }

  /** Walks one folder (a renamed or created directory) and syncs the records under it. */
  private async updateDirectory(rootIndex: number, rel: string): Promise<void> {
    const root = this.roots[rootIndex]!;
    if (rel && !this.admits(rootIndex, rel, true)) {
      const prefix = root.prefix + rel + '/';
      for (const key of [...this.records.keys()]) if (key.startsWith(prefix)) this.removeRecord(key);
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
    for (const key of [...this.records.keys()]) if (key.startsWith(prefix) && !seen.has(key)) this.removeRecord(key);
    for (const f of walked) await this.indexFile(f, () => this.removeRecord(f.path));
  }

  /** The walk's rules for a single path: ignore files along its folders, globs, secrets, binaries. */
  private admits(rootIndex: number, rel: string, isDir: boolean): boolean {
    const root = this.roots[rootIndex]!;
    const parts = rel.split('/');
    if (parts.some((p) => p === '.git' || p === '.hg' || p === '.svn' || p === '.minions')) return false;
    let rules = IgnoreStack.forRoot(root.abs);
    let dirRel = '';
    for (let i = 0; i < parts.length; i++) {
      const partRel = parts.slice(0, i + 1).join('/');
      const last = i === parts.length - 1;
      if (rules.ignores(partRel, last ? isDir : true)) return false;
      if (!last) {
        dirRel = partRel;
        rules = rules.enter(join(root.abs, ...dirRel.split('/')), dirRel, new Set(['.gitignore', '.minionsignore']));
        if (this.globs.excludesDir(dirRel)) return false;
      }
    }
    if (isDir) return !this.globs.excludesDir(rel);
    if (isSecretFileName(rel) || hasBinaryExtension(rel)) return false;
    const paths = root.prefix ? [rel, root.prefix + rel] : [rel];
    return this.globs.accepts(paths);
  }

  documentNotes(): DocumentNote[] {
    const out: DocumentNote[] = [];
    for (const k of this.skippedByContent.values()) if (k.note) out.push({ path: k.path, ...k.note, partial: false });
    for (const [path, note] of this.transientNotes) if (!this.records.has(path)) out.push({ path, ...note, partial: false });
    for (const r of this.records.values()) if (r.content.note) out.push({ path: r.path, ...r.content.note, partial: true });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  files(): readonly FileSummary[] {
    const out: FileSummary[] = [];
    for (const r of this.records.values())
      out.push({ path: r.path, language: r.content.language, bytes: r.bytes, lines: r.lines, chunks: r.chunkSlots.length, symbols: (r.symbols ??= topLevelSymbols(r.content)) });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  chunksOf(path: string): readonly Chunk[] {
    const r = this.records.get(path);
    return r ? [...this.chunksOfRecord(r)] : [];
  }

  getChunk(id: string): Chunk | undefined {
    // Ids are `${path}:${startLine}-${endLine}`; a path may itself contain ':'.
    const colon = id.lastIndexOf(':');
    const r = colon > 0 ? this.records.get(id.slice(0, colon)) : undefined;
    return r ? this.chunksOfRecord(r).find((c) => c.id === id) : undefined;
  }

  private scoreChunks(query: string, options: SearchOptions): ScoreResult {
    const parsed = parseQuery(query);
    const allowed = pathFilter(options);
    const names = new Set(parsed.fileNames);
    const fileAllowed = allowed ? (f: number) => allowed(this.bySlot[f]?.path ?? '') : undefined;
    // Priors per file: a question that names a file ("in skipping.py") points at it; tests and
    // docs mostly restate what the code does, so on equal evidence the code itself ranks first.
    const fileBoost = (f: number) => {
      const r = this.bySlot[f];
      if (!r) return 1;
      const base = r.path.slice(r.path.lastIndexOf('/') + 1).toLowerCase();
      return (names.has(base) ? MENTIONED_FILE_BOOST : 1) * (r.secondary ? SECONDARY_FILE_PRIOR : 1);
    };
    return this.lexical.score(parsed.terms, fileAllowed, fileBoost);
  }

  private hit(slot: number, score: number): ChunkHit {
    const r = this.bySlot[this.lexical.fileOfSlot(slot)]!;
    return { chunk: this.chunksOfRecord(r)[r.chunkSlots.indexOf(slot)]!, score };
  }

  private byScoreThenId = (a: ChunkHit, b: ChunkHit): number => b.score - a.score || compareIds(a.chunk, b.chunk);

  search(query: string, options: SearchOptions = {}): ChunkHit[] {
    const k = Math.max(0, options.top ?? 10);
    const r = this.scoreChunks(query, options);
    const best = topIndices(r.scores, r.n, k);
    return best.map((i) => this.hit(r.slots[i]!, r.scores[i]!)).sort(this.byScoreThenId);
  }

  searchFiles(query: string, options: SearchOptions = {}): FileHit[] {
    const k = Math.max(0, options.top ?? 10);
    const r = this.scoreChunks(query, options);
    // A file's score: its best chunk, plus a decaying share of the next two (evidence spread
    // over a file counts, but a long file does not win by size alone). Top 3 kept per file.
    const nf = this.nextFileSlot;
    const t1 = new Float64Array(nf);
    const t2 = new Float64Array(nf);
    const t3 = new Float64Array(nf);
    const files: number[] = [];
    for (let i = 0; i < r.n; i++) {
      const f = this.lexical.fileOfSlot(r.slots[i]!);
      const v = r.scores[i]!;
      if (t1[f] === 0) files.push(f);
      if (v > t1[f]!) {
        t3[f] = t2[f]!;
        t2[f] = t1[f]!;
        t1[f] = v;
      } else if (v > t2[f]!) {
        t3[f] = t2[f]!;
        t2[f] = v;
      } else if (v > t3[f]!) t3[f] = v;
    }
    const fileScores = new Float64Array(files.length);
    for (let j = 0; j < files.length; j++) {
      const f = files[j]!;
      fileScores[j] = t1[f]! * FILE_AGGREGATE_DECAY[0]! + t2[f]! * FILE_AGGREGATE_DECAY[1]! + t3[f]! * FILE_AGGREGATE_DECAY[2]!;
    }
    const chosen = topIndices(fileScores, files.length, k);
    const perFile = new Map<number, ChunkHit[]>(chosen.map((j) => [files[j]!, []]));
    // Mark the chosen files (t1 is reused as the mark) so the pass below skips the rest cheaply.
    for (const f of files) t1[f] = 0;
    for (const j of chosen) t1[files[j]!] = 1;
    for (let i = 0; i < r.n; i++) {
      const f = this.lexical.fileOfSlot(r.slots[i]!);
      if (t1[f] === 1) perFile.get(f)!.push(this.hit(r.slots[i]!, r.scores[i]!));
    }
    const out: FileHit[] = chosen.map((j) => {
      const f = files[j]!;
      const chunks = perFile.get(f)!.sort(this.byScoreThenId).slice(0, 5);
      return { path: this.bySlot[f]!.path, score: fileScores[j]!, chunks };
    });
    return out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private assertOpen(): void {
    if (this.disposed) throw new MinionsError('internal', 'The index was used after it was closed', 'Open the index again');
  }

  private scheduleSave(): void {
    if (!this.dirty || !this.options.cacheDir || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /**
   * Writes the cache in the background: the snapshot is taken now (so it is consistent), the
   * file is written frame by frame with yields. One save at a time; dispose() waits for it.
   */
  private save(): Promise<void> {
    const run = (this.saving ?? Promise.resolve()).then(() => this.writeCache());
    this.saving = run;
    void run.finally(() => {
      if (this.saving === run) this.saving = undefined;
    });
    return run;
  }

  private async writeCache(): Promise<void> {
    const cacheDir = this.options.cacheDir;
    if (!cacheDir || !this.dirty) return;
    this.dirty = false;
    const files: CachedFile[] = [];
    const records: CachedRecord[] = [];
    const contents = new Map<string, CachedContent>();
    for (const r of this.records.values()) {
      files.push({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash });
      records.push({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, root: r.root, rel: r.rel, slot: r.slot, chunkSlots: r.chunkSlots });
      const c = this.contents.get(r.hash);
      if (c) contents.set(r.hash, c);
    }
    // Keep memory to what the live files use.
    for (const h of [...this.contents.keys()]) if (!contents.has(h)) this.contents.delete(h);
    const live = { records, lexical: this.lexical.snapshot(), nextFileSlot: this.nextFileSlot };
    try {
      const skipped = [...this.skippedByContent.values()];
      await writeSnapshot(cacheDir, { format: CACHE_FORMAT, key: this.key, files, contents, live, skipped }, yieldToLoop);
    } catch {
      // A cache that cannot be written costs a slower next start, nothing else.
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.disposed = true;
    await this.runner.close();
    await this.save();
  }

  async closeAfterFailure(): Promise<void> {
    this.disposed = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.runner.close();
    await this.saving;
  }
}

/** Tests, fixtures, docs and changelogs: supporting files rather than the code in question. */
const SECONDARY_PATH =
  /(?:^|\/)(?:tests?|testing|__tests__|spec|specs|docs?|changelog|examples?)\/|(?:^|\/)(?:test_[^/]*|[^/]*_test\.[a-z]+|[^/]*\.(?:test|spec)\.[a-z]+|conftest\.py)$|\.(?:md|rst|txt|adoc)$/i;
const SECONDARY_FILE_PRIOR = 0.5;

export function isSecondaryPath(path: string): boolean {
  return SECONDARY_PATH.test(path);
}

/** The score multiplier for chunks of a file the question names. */
const MENTIONED_FILE_BOOST = 1.5;
const FILE_AGGREGATE_DECAY = [1, 0.5, 0.25];

/** Top-level definition names of a file, for the repository map (at most 32). */
function topLevelSymbols(content: CachedContent): string[] {
  const out = new Set<string>();
  for (const s of content.specs) for (const n of s.names ?? []) if (!n.includes('.') && out.size < 32) out.add(n);
  return [...out];
}

function makeChunk(path: string, language: string, s: ChunkSpec, text: string): Chunk {
  const base = { id: `${path}:${s.startLine}-${s.endLine}`, path, startLine: s.startLine, endLine: s.endLine, language };
  const chunk: Chunk = s.symbol ? { ...base, symbol: s.symbol, tokens: s.tokens, text } : { ...base, tokens: s.tokens, text };
  return s.lineOffset === undefined ? chunk : { ...chunk, ...documentPlace(s) };
}

/** Where a PDF or notebook chunk sits: page (and count) or cell, and its page's or cell's first line. */
function documentPlace(s: ChunkSpec): Pick<Chunk, 'page' | 'pages' | 'cell' | 'lineOffset'> {
  return { ...(s.page ? { page: s.page, pages: s.pages } : {}), ...(s.cell ? { cell: s.cell } : {}), lineOffset: s.lineOffset };
}

function compareIds(a: Chunk, b: Chunk): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine;
}

/**
 * Indices of the k largest of scores[0..n), in no particular order: a size-k min-heap, so a
 * query over 100k matching chunks costs O(n log k) and allocates only the result.
 */
function topIndices(scores: Float64Array<ArrayBufferLike>, n: number, k: number): number[] {
  if (k <= 0 || n <= 0) return [];
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const heap = new Int32Array(k);
  let size = 0;
  const less = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(heap[l]!, heap[m]!)) m = l;
      if (r < size && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (size < k) {
      heap[size] = i;
      for (let c = size++; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!less(heap[c]!, heap[p]!)) break;
        const t = heap[c]!;
        heap[c] = heap[p]!;
        heap[p] = t;
        c = p;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  return Array.from(heap.subarray(0, size));
}

function pathFilter(options: SearchOptions): ((path: string) => boolean) | undefined {
  const globs = (options.globs ?? []).filter((g) => g.trim()).map((g) => new Minimatch(g, { dot: true, matchBase: !g.includes('/') }));
  const scope = (options.scope ?? []).map((s) => s.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '')).filter((s) => s !== undefined);
  const everywhere = scope.some((s) => s === '');
  if (globs.length === 0 && (scope.length === 0 || everywhere)) return undefined;
  return (path: string) =>
    (globs.length === 0 || globs.some((m) => m.match(path))) &&
    (scope.length === 0 || everywhere || scope.some((s) => path === s || path.startsWith(s + '/')));
}

function checkRoots(roots: readonly string[]): void {
  if (roots.length === 0) throw new MinionsError('workspace-missing', 'No folder to index', 'Open a folder or pass --workspace DIR');
  for (const r of roots) {
    let isDir = false;
    try {
      isDir = statSync(r).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isAbsolute(r) || !isDir)
      throw new MinionsError('workspace-missing', `The folder ${r} does not exist or is not a directory`, 'Pass an existing folder (an absolute path) to index');
  }
}

export async function openIndex(options: OpenIndexOptions): Promise<WorkspaceIndex> {
  checkRoots(options.roots);
  const index = new Index(options);
  try {
    index.loadCache();
    await index.refresh({ signal: options.signal, onProgress: options.onProgress });
  } catch (err) {
    await index.closeAfterFailure();
    throw err;
  }
  return index;
}

export async function clearIndexCache(cacheDir: string): Promise<void> {
  removeSnapshots(cacheDir);
}
