// The live index in memory: one record per indexed file, its chunks' slots in the lexical index,
// and the chunk objects made on first use. The pipeline adds and removes records; ranking and
// the cache read them.
import type { Chunk, FileSummary } from './types';
import type { ChunkSpec } from './chunk-types';
import type { CachedContent } from './store';
import { sliceLines } from './text';
import { identifiersOfChunks, type ChunkIdentifiers } from './terms';
import { LexicalIndex } from './lexical';
import { isSecondaryPath } from './ranking-priors';
import type { WalkedFile } from './walk';

export interface FileRecord {
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

/** Small contents whose identifiers FileTable keeps for their next copy: at most this many, of at most this many characters. */
const COPIED_CONTENTS_KEPT = 1024;
const COPIED_CONTENT_MAX_CHARS = 4096;

export class FileTable {
  readonly records = new Map<string, FileRecord>();
  readonly bySlot: (FileRecord | undefined)[] = [];
  lexical = new LexicalIndex();
  nextFileSlot = 0;
  /**
   * The identifiers of small contents found here without them (a copy of a content already
   * indexed comes without: it is not chunked again), for the next copy. Projects copy small
   * boilerplate files around: prettier holds 1,412 copies of 275 contents (its per-folder
   * jsfmt.spec.js), each scanned again on this thread. A kept result also keeps its term ids.
   */
  private readonly copiedContents = new Map<string, ChunkIdentifiers>();

  /**
   * Makes a file's chunks live. Without `savedSlots` its chunks are added to the lexical index;
   * with them (a restored cache) the lexical index already holds them under those slots, and the
   * record keeps the array (the caller gives it up: it was decoded for this).
   */
  install(file: WalkedFile, hash: string, content: CachedContent, slot: number, savedSlots?: number[], identifiers?: ChunkIdentifiers): void {
    // Chunk objects are made when first asked for (search hits, chunksOf): a reopen from the
    // cache creates none, which is most of what keeps it fast.
    const chunkSlots = savedSlots
      ? savedSlots
      : this.lexical.addChunks(slot, identifiers ?? this.identifiersOf(hash, content), content.specsOnce().map((s) => s.names ?? []));
    if (!savedSlots) this.lexical.addFile(slot, file.path);
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
      lines: content.lastLine,
      bytes: file.size,
      chunkSlots,
      secondary: isSecondaryPath(file.path),
    };
    this.records.set(file.path, record);
    this.bySlot[slot] = record;
  }

  private identifiersOf(hash: string, content: CachedContent): ChunkIdentifiers {
    const kept = this.copiedContents.get(hash);
    if (kept) return kept;
    const text = content.text;
    const ids = identifiersOfChunks(sliceLines(text, content.specsOnce()));
    if (text.length <= COPIED_CONTENT_MAX_CHARS) {
      if (this.copiedContents.size >= COPIED_CONTENTS_KEPT) this.copiedContents.clear();
      this.copiedContents.set(hash, ids);
    }
    return ids;
  }

  /** Adds a newly indexed file under the next free slot. */
  add(file: WalkedFile, hash: string, content: CachedContent, identifiers?: ChunkIdentifiers): void {
    this.install(file, hash, content, this.nextFileSlot++, undefined, identifiers);
  }

  /** Removes a file's record and its chunks from the lexical index; false if it had none. */
  remove(path: string): boolean {
    const r = this.records.get(path);
    if (!r) return false;
    const chunks = this.chunksOf(r);
    for (let i = 0; i < r.chunkSlots.length; i++) this.lexical.removeChunk(r.chunkSlots[i]!, { text: chunks[i]!.text, names: [] });
    this.lexical.removeFile(r.slot, r.path);
    this.bySlot[r.slot] = undefined;
    this.records.delete(path);
    return true;
  }

  chunksOf(r: FileRecord): Chunk[] {
    if (!r.chunks) {
      const texts = sliceLines(r.content.text, r.content.specs);
      r.chunks = r.content.specs.map((s, i) => makeChunk(r.path, r.content.language, s, texts[i]!));
    }
    return r.chunks;
  }

  summaries(): FileSummary[] {
    const out: FileSummary[] = [];
    for (const r of this.records.values())
      out.push({ path: r.path, language: r.content.language, bytes: r.bytes, lines: r.lines, chunks: r.chunkSlots.length, symbols: (r.symbols ??= topLevelSymbols(r.content)) });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  chunkById(id: string): Chunk | undefined {
    // Ids are `${path}:${startLine}-${endLine}`; a path may itself contain ':'.
    const colon = id.lastIndexOf(':');
    const r = colon > 0 ? this.records.get(id.slice(0, colon)) : undefined;
    return r ? this.chunksOf(r).find((c) => c.id === id) : undefined;
  }
}

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
