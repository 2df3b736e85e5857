// Persistence of the live index: what a reopen restores from the disk cache, and when and how
// changes are written back (debounced after updates, in the background after a refresh).
import { readCandidate } from './changes';
import { TextSpool, type CacheFileRef, type IndexedContent } from './content';
import { LexicalIndex } from './lexical';
import { CACHE_FORMAT, readSnapshot, snapshotBytes, writeSnapshot, type CachedContent, type CachedFile, type CachedRecord, type CachedSkip, type CacheSnapshot } from './store';
import { decodeText } from './text';
import type { FileTable } from './file-table';
import { absPath, yieldToLoop, type WalkRoot, type WalkedFile } from './walk';

/**
 * Delay before update()s are written to the cache: a burst of edits is one write, and a save
 * (serialising the whole index) rarely lands between edits. Losing a pending save costs nothing
 * but speed: the next open re-reads the files whose stat no longer matches the cache.
 */
const SAVE_DELAY_MS = 30_000;

/**
 * Text a build holds in memory before it spools the rest (see spool()). 64 Mi put the 104k-file
 * tree's peak at 990-1070 MB over eight cold builds, 32 Mi at 904-979 MB over four, in the same
 * time (both in the extension host's arrangement). In the CLI's, on the 105k-file tree, 16 Mi
 * took the peak from 1,039-1,051 to 1,005-1,025 thousand KiB (four runs each); prettier's 19M
 * characters spool their last ~3M.
 */
export const SPOOL_AFTER_CHARS = 16 * 1024 * 1024;

/** What the index keeps besides its records, and the cache fills on open. */
export interface IndexMemory {
  readonly table: FileTable;
  /** Content by hash, from the disk cache and from files indexed in this session. */
  readonly contents: Map<string, CachedContent>;
  /** Files left out for their content (binary, minified), with the stat they had then. */
  readonly skippedByContent: Map<string, CachedSkip>;
  /** Stat seen per path in the disk cache, consumed as files are indexed. */
  priorFiles: Map<string, CachedFile>;
}

export class IndexPersistence {
  /** Something changed since the last write. */
  dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    private readonly cacheDir: string | undefined,
    private readonly key: string,
    private readonly roots: readonly WalkRoot[],
    private readonly memory: IndexMemory,
    private readonly spoolAfterChars = SPOOL_AFTER_CHARS,
  ) {}

  /** Bytes of the cache file load() would read (0 if there is none). */
  storedBytes(): number {
    return this.cacheDir ? snapshotBytes(this.cacheDir, this.key) : 0;
  }

  load(): void {
    if (!this.cacheDir) return;
    const snap = readSnapshot(this.cacheDir, this.key);
    if (!snap) return;
    this.recoverFrom(snap.file);
    const m = this.memory;
    for (const [hash, c] of snap.contents) m.contents.set(hash, c);
    for (const k of snap.skipped ?? []) m.skippedByContent.set(k.path, k);
    if (snap.live && this.restoreLive(snap.live)) return;
    // The records say the same as `files` (written empty since records are always there).
    for (const f of snap.files.length ? snap.files : (snap.live?.records ?? [])) m.priorFiles.set(f.path, f);
  }

  /** Reinstates the saved records and lexical index as they were; false if they do not line up. */
  private restoreLive(live: NonNullable<CacheSnapshot['live']>): boolean {
    const { table, contents } = this.memory;
    for (const r of live.records) {
      const c = contents.get(r.hash);
      if (!c || c.specCount !== r.chunkSlots.length || r.root >= this.roots.length) return false;
    }
    table.lexical = LexicalIndex.restore(live.lexical);
    for (const r of live.records) {
      const root = this.roots[r.root]!;
      const file: WalkedFile = { root: r.root, abs: absPath(root, r.rel), rel: r.rel, path: r.path, size: r.size, mtimeMs: r.mtimeMs };
      table.install(file, r.hash, contents.get(r.hash)!, r.slot, r.chunkSlots);
    }
    table.nextFileSlot = live.nextFileSlot;
    return true;
  }

  /** Texts read back from `file` fall back on the indexed files themselves if it is replaced. */
  private recoverFrom(file: CacheFileRef): void {
    file.recover = this.recoverText;
  }

  private readonly recoverText = (hash: string): string | undefined => {
    for (const r of this.memory.table.records.values()) {
      if (r.hash !== hash) continue;
      const read = readCandidate(r.abs, r.size, false);
      if (read.kind === 'content' && read.hash === hash) return decodeText(read.bytes);
    }
    return undefined;
  };

  private textSpool: TextSpool | undefined;
  private heldChars = 0;

  /**
   * A new content's text goes to the spool until the cache is written (see TextSpool), once the
   * texts held since the last save pass `spoolAfterChars`: below that, holding them costs less
   * than writing them twice (the spool is on the main thread, which a 10k-file build keeps busy;
   * prettier spooling from 16 Mi characters on: cold `minions index` 1.41 -> 1.425 s).
   */
  spool(content: IndexedContent): void {
    if (!this.cacheDir) return;
    if (this.heldChars < this.spoolAfterChars) {
      this.heldChars += content.heldSize;
      return;
    }
    if (!this.textSpool) {
      TextSpool.removeStale(this.cacheDir);
      this.textSpool = new TextSpool(this.cacheDir, this.recoverText);
    }
    this.textSpool.put(content);
  }

  /** After the last save: the spool is no longer read. */
  close(): void {
    this.textSpool?.close();
    this.textSpool = undefined;
  }

  /** A write a while after the last update (see SAVE_DELAY_MS). */
  scheduleSave(): void {
    if (!this.dirty || !this.cacheDir || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  cancelScheduled(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  /**
   * Writes the cache in the background: the snapshot is taken now (so it is consistent), the
   * file is written frame by frame with yields. One save at a time; dispose() waits for it.
   */
  save(): Promise<void> {
    const run = (this.saving ?? Promise.resolve()).then(() => this.write());
    this.saving = run;
    void run.finally(() => {
      if (this.saving === run) this.saving = undefined;
    });
    return run;
  }

  /** The save in progress, if any. */
  settled(): Promise<void> | undefined {
    return this.saving;
  }

  private async write(): Promise<void> {
    const cacheDir = this.cacheDir;
    if (!cacheDir || !this.dirty) return;
    this.dirty = false;
    const m = this.memory;
    // The live records themselves, not copies: writeSnapshot reads them into columns before its
    // first await, so the snapshot is of this moment (a copy of each was ~36 MB at the peak of a
    // 105k-file build's save).
    const records: CachedRecord[] = [];
    const contents = new Map<string, CachedContent>();
    for (const r of m.table.records.values()) {
      records.push(r);
      const c = m.contents.get(r.hash);
      if (c) contents.set(r.hash, c);
    }
    // Keep memory to what the live files use.
    for (const h of [...m.contents.keys()]) if (!contents.has(h)) m.contents.delete(h);
    const live = { records, lexical: m.table.lexical.snapshot(), nextFileSlot: m.table.nextFileSlot };
    try {
      const skipped = [...m.skippedByContent.values()];
      const places = await writeSnapshot(cacheDir, { format: CACHE_FORMAT, key: this.key, files: [], contents, live, skipped }, yieldToLoop);
      this.heldChars = 0;
      // The texts are on disk now: memory keeps only what is not (see content.ts).
      for (const [content, place] of places) content.storedAt(place);
      const first = places.values().next();
      if (!first.done) this.recoverFrom(first.value.file);
    } catch {
      // A cache that cannot be written costs a slower next start, nothing else.
    }
  }
}
