// The lexical index: BM25 over chunk text, plus two fields that say more than body text does —
// the chunk's definition names (symbol field) and its file's path (path field, scored with
// file-level statistics). Postings live in typed arrays; a removed chunk is a tombstone until
// enough of them pile up, then postings are merged without them and the slots reused.
import { computeTermsOfIdentifier, forEachTerm, identifiersOfChunks, type ChunkIdentifiers, type IdentTable, type ResolvedIdents } from './terms';
import { PostingsField, type I32, type PackedPostings, type U32, type U8 } from './postings';
import { grow } from './typed-arrays';

export type { PackedPostings } from './postings';

/** A term the lexical index scores, with its weight in the query (query.ts makes them from a question). */
export interface QueryTerm {
  readonly term: string;
  readonly weight: number;
}

/** BM25's term-frequency saturation (query.ts sizes its whole-identifier boost by it). */
export const K1 = 1.2;
const B = 0.75;
/** A query term naming a definition in the chunk counts like this many extra (saturated) occurrences. */
const SYMBOL_WEIGHT = 1.5;
/** A query term in the file's path. */
const PATH_WEIGHT = 1.0;
/** Query terms scored at most (highest weight x idf first): bounds latency on long issue texts. */
const MAX_QUERY_TERMS = 80;
/** Bounds on the identifier memo (entries, pooled ids): it is a cache, cleared when full. */
const IDENT_MEMO_MAX = 300_000;
const IDENT_POOL_MAX = 2_000_000;
/** The best terms of a query are scored whatever their postings cost. */
const ALWAYS_SCORED_TERMS = 12;
/** Postings entries a query reads at most beyond those terms (bounds latency on big indexes). */
const POSTINGS_BUDGET = 1_000_000;

/** Everything the lexical index holds, in typed arrays that serialise and load fast. */
export interface LexicalSnapshot {
  /** Every term in id order, joined by NUL (a term is an identifier's word, never holding one). */
  terms: string;
  body: PackedPostings;
  sym: PackedPostings;
  path: PackedPostings;
  df: Int32Array;
  fileDf: Int32Array;
  alive: Uint8Array;
  len: Uint32Array;
  fileOf: Int32Array;
  fileAlive: Uint8Array;
  counters: { aliveChunks: number; aliveFiles: number; totalLen: number; nextSlot: number };
  freeSlots: number[];
}
export interface ChunkTerms {
  readonly text: string;
  readonly names: readonly string[];
}

/** Matching chunk slots and their scores, in parallel arrays of which the first `n` are valid. */
export interface ScoreResult {
  readonly slots: Int32Array<ArrayBufferLike>;
  readonly scores: Float64Array<ArrayBufferLike>;
  readonly n: number;
}

export class LexicalIndex {
  /**
   * Term -> id. A restored index keeps its terms as the cache gave them (in id order) and builds
   * this map on first use: a reopen that only checks the index is current never needs it, and
   * on a 100k-file tree it is ~360k entries.
   */
  private idMap: Map<string, number> | undefined = new Map();
  /** The restored terms, joined as the snapshot has them, until the map is built. */
  private restoredTerms: string | undefined;
  private get ids(): Map<string, number> {
    if (!this.idMap) {
      const terms = this.termCount ? this.restoredTerms!.split('\0') : [];
      const m = new Map<string, number>();
      for (let i = 0; i < terms.length; i++) m.set(terms[i]!, i);
      this.idMap = m;
      this.restoredTerms = undefined;
    }
    return this.idMap;
  }
  private termCount = 0;
  private body = new PostingsField();
  private sym = new PostingsField();
  private path = new PostingsField();
  private df: I32 = new Int32Array(1024);
  private fileDf: I32 = new Int32Array(1024);
  // per chunk slot
  private alive: U8 = new Uint8Array(1024);
  private len: U32 = new Uint32Array(1024);
  private fileOf: I32 = new Int32Array(1024);
  // per file slot
  private fileAlive: U8 = new Uint8Array(256);
  private scores: Float32Array<ArrayBufferLike> = new Float32Array(1024);
  private aliveChunks = 0;
  private aliveFiles = 0;
  private deadChunks = 0;
  private totalLen = 0;
  private freeSlots: number[] = [];
  private nextSlot = 0;

  get chunkCount(): number {
    return this.aliveChunks;
  }

  private id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.termCount++;
      this.ids.set(term, id);
      this.df = grow(this.df, id + 1, (n) => new Int32Array(n));
      this.fileDf = grow(this.fileDf, id + 1, (n) => new Int32Array(n));
    }
    return id;
  }

  addFile(fileSlot: number, path: string): void {
    this.fileAlive = grow(this.fileAlive, fileSlot + 1, (n) => new Uint8Array(n));
    if (this.fileAlive[fileSlot]) return;
    this.fileAlive[fileSlot] = 1;
    this.aliveFiles++;
    for (const t of pathTerms(path)) {
      const id = this.id(t);
      this.path.push(id, fileSlot, 1);
      this.fileDf[id]!++;
    }
  }

  removeFile(fileSlot: number, path: string): void {
    if (!this.fileAlive[fileSlot]) return;
    this.fileAlive[fileSlot] = 0;
    this.aliveFiles--;
    for (const t of pathTerms(path)) {
      const id = this.ids.get(t);
      // Its entries stay until the next merge; scoring skips files that are gone.
      if (id !== undefined) this.fileDf[id]!--;
    }
  }

  /**
   * Term ids of an identifier, memoised (code repeats its identifiers endlessly) in a compact
   * form: the map holds offset*16+count into one shared pool of ids, not an array per identifier.
   */
  private identIds = new Map<string, number>();
  private idPool: I32 = new Int32Array(1 << 16);
  private idPoolUsed = 0;
  private tfScratch: U32 = new Uint32Array(1024);
  /** The terms of the chunk being added, in first-seen order (addChunkTerms). */
  private touched: I32 = new Int32Array(1024);

  /** Writes the identifier's term ids into `out` and returns how many. */
  private idsOf(ident: string, out: number[]): number {
    let packed = this.identIds.get(ident);
    if (packed === undefined) {
      // (Memoised here, as ids: the terms' own memo would be a second map of the same identifiers.)
      const terms = computeTermsOfIdentifier(ident);
      const count = Math.min(terms.length, 15);
      if (this.identIds.size >= IDENT_MEMO_MAX || this.idPoolUsed + count > IDENT_POOL_MAX) {
        this.identIds.clear();
        this.idPoolUsed = 0;
      }
      this.idPool = grow(this.idPool, this.idPoolUsed + count, (n) => new Int32Array(n));
      for (let i = 0; i < count; i++) this.idPool[this.idPoolUsed + i] = this.id(terms[i]!);
      packed = this.idPoolUsed * 16 + count;
      this.idPoolUsed += count;
      this.identIds.set(ident, packed);
    }
    const off = Math.floor(packed / 16);
    const count = packed % 16;
    for (let i = 0; i < count; i++) out.push(this.idPool[off + i]!);
    return count;
  }

  /** Indexes a chunk and returns its slot. */
  addChunk(fileSlot: number, chunk: ChunkTerms): number {
    const ids = identifiersOfChunks([chunk.text]);
    return this.addChunks(fileSlot, ids, [chunk.names])[0]!;
  }

  /**
   * Each identifier's term ids, flattened: identifier k's are ids[start[k]..start[k+1]). Computed
   * once per identifier of a table (a parse worker's table serves all its batches and grows with
   * them); term ids never change.
   */
  private resolve(table: IdentTable): ResolvedIdents {
    let r = table.resolved;
    if (!r || r.owner !== this) r = table.resolved = { owner: this, ids: new Int32Array(1024), start: new Uint32Array(1024), count: 0 };
    const n = table.idents.length;
    if (r.count === n) return r;
    const flat: number[] = [];
    const used = r.start[r.count]!;
    r.start = grow(r.start, n + 1, (size) => new Uint32Array(size));
    const start = r.start;
    for (let k = r.count; k < n; k++) {
      start[k] = used + flat.length;
      this.idsOf(table.idents[k]!, flat);
    }
    start[n] = used + flat.length;
    r.ids = grow(r.ids, used + flat.length, (size) => new Int32Array(size));
    r.ids.set(flat, used);
    r.count = n;
    return r;
  }

  /**
   * Indexes a file's chunks from their identifiers (see identifiersOfChunks); returns their slots.
   * The per-chunk work is split into small methods on purpose: V8 optimises this path while a
   * cold build runs, and one big function (resolve, slot growth and the counting loop inlined)
   * took ~45 ms of TurboFan per compile, compiled four times over as rarer branches were taken.
   */
  addChunks(fileSlot: number, ci: ChunkIdentifiers, names: readonly (readonly string[])[]): number[] {
    const resolved = this.resolve(ci.table);
    const count = ci.offsets.length - 1;
    this.reserve(this.nextSlot + count);
    const slots: number[] = [];
    for (let c = 0; c < count; c++) {
      const slot = this.freeSlots.pop() ?? this.nextSlot++;
      const length = this.addChunkTerms(slot, ci, c, resolved);
      const chunkNames = names[c];
      if (chunkNames !== undefined && chunkNames.length > 0) this.addNames(slot, chunkNames);
      this.alive[slot] = 1;
      this.len[slot] = length;
      this.fileOf[slot] = fileSlot;
      this.aliveChunks++;
      this.totalLen += length;
      slots.push(slot);
    }
    this.normFor = -1;
    return slots;
  }

  /** Room for chunk slots below `slots`, and term-frequency scratch for every term known. */
  private reserve(slots: number): void {
    if (this.alive.length < slots) {
      this.alive = grow(this.alive, slots, (n) => new Uint8Array(n));
      this.len = grow(this.len, slots, (n) => new Uint32Array(n));
      this.fileOf = grow(this.fileOf, slots, (n) => new Int32Array(n));
    }
    if (this.tfScratch.length < this.termCount) {
      this.tfScratch = grow(this.tfScratch, this.termCount, (n) => new Uint32Array(n));
      this.touched = grow(this.touched, this.termCount, (n) => new Int32Array(n));
    }
  }

  /** Chunk c's body postings under `slot`; returns its length in term occurrences. */
  private addChunkTerms(slot: number, ci: ChunkIdentifiers, c: number, resolved: ResolvedIdents): number {
    const { ids: flat, start } = resolved;
    const { refs, uses, counts } = ci;
    const tf = this.tfScratch;
    const touched = this.touched;
    let distinct = 0;
    let length = 0;
    for (let u = ci.offsets[c]!, end = ci.offsets[c + 1]!; u < end; u++) {
      const k = refs ? refs[uses[u]!]! : uses[u]!;
      const times = counts[u]!;
      for (let i = start[k]!, e = start[k + 1]!; i < e; i++) {
        const id = flat[i]!;
        if (tf[id] === 0) touched[distinct++] = id;
        tf[id] = tf[id]! + times;
        length += times;
      }
    }
    const df = this.df;
    for (let t = 0; t < distinct; t++) {
      const id = touched[t]!;
      this.body.push(id, slot, tf[id]!);
      df[id]!++;
      tf[id] = 0;
    }
    return length;
  }

  private addNames(slot: number, names: readonly string[]): void {
    for (const t of nameTerms(names)) this.sym.push(this.id(t), slot, 1);
  }

  removeChunk(slot: number, chunk: ChunkTerms): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = 0;
    this.normFor = -1;
    this.aliveChunks--;
    this.deadChunks++;
    this.totalLen -= this.len[slot]!;
    const seen = new Set<string>();
    forEachTerm(chunk.text, (t) => {
      if (seen.has(t)) return;
      seen.add(t);
      const id = this.ids.get(t);
      if (id !== undefined) this.df[id]!--;
    });
    if (this.deadChunks > 1024 && this.deadChunks > this.aliveChunks) this.compact();
  }

  private readonly chunkAlive = (s: number) => this.alive[s] === 1;
  private readonly fileIsAlive = (f: number) => this.fileAlive[f] === 1;

  /**
   * Folds the postings added since the last merge into the packed arrays (a build calls it when
   * done); `all` also rewrites fields with nothing logged, to drop the entries of dead slots.
   */
  mergeLogs(all = false): void {
    if (all || this.body.logged) this.body.merge(this.termCount, this.chunkAlive);
    if (all || this.sym.logged) this.sym.merge(this.termCount, this.chunkAlive);
    if (all || this.path.logged) this.path.merge(this.termCount, this.fileIsAlive);
  }

  /** Drops tombstoned postings and makes their slots reusable. */
  private compact(): void {
    this.mergeLogs(true);
    for (let s = 0; s < this.nextSlot; s++) if (!this.alive[s]) this.freeSlots.push(s);
    this.deadChunks = 0;
  }

  // Per-query scratch, reused so a query allocates (almost) nothing.
  private touchedBuf: I32 = new Int32Array(1024);
  private outScores = new Float64Array(1024);
  private fileBonus = new Float64Array(256);
  private fileState = new Int8Array(256); // 0 unknown, 1 allowed, -1 filtered out
  private fileMult = new Float64Array(256);
  private normFor = -1;
  private norm = new Float32Array(1024);

  /**
   * Scores every chunk matching the query. `fileAllowed` filters by file slot; `fileBoost`
   * multiplies a file's chunks (priors). The result's arrays are reused by the next query.
   */
  score(terms: readonly QueryTerm[], fileAllowed?: (fileSlot: number) => boolean, fileBoost?: (fileSlot: number) => number): ScoreResult {
    const n = this.aliveChunks;
    if (n === 0) return { slots: this.touchedBuf, scores: this.outScores, n: 0 };
    const cap = this.nextSlot;
    if (this.scores.length < cap) this.scores = new Float32Array(Math.max(cap, this.scores.length * 2));
    if (this.touchedBuf.length < cap) this.touchedBuf = new Int32Array(Math.max(cap, this.touchedBuf.length * 2));
    const fcap = this.fileAlive.length;
    if (this.fileBonus.length < fcap) {
      this.fileBonus = new Float64Array(fcap * 2);
      this.fileState = new Int8Array(fcap * 2);
      this.fileMult = new Float64Array(fcap * 2);
    }
    const scores = this.scores;
    const touched = this.touchedBuf;
    const alive = this.alive;
    // BM25's length normalisation per chunk, recomputed only when the collection changed.
    const avgLen = this.totalLen / n || 1;
    if (this.normFor !== avgLen || this.norm.length < cap) {
      if (this.norm.length < cap) this.norm = new Float32Array(Math.max(cap, this.norm.length * 2));
      for (let s = 0; s < cap; s++) this.norm[s] = K1 * (1 - B + (B * this.len[s]!) / avgLen);
      this.normFor = avgLen;
    }
    const norm = this.norm;

    const weighted: { id: number; w: number; idf: number }[] = [];
    for (const q of terms) {
      const id = this.ids.get(q.term);
      if (id === undefined) continue;
      const df = this.df[id]!;
      const fdf = this.fileDf[id]!;
      if (df <= 0 && fdf <= 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      weighted.push({ id, w: q.weight, idf });
    }
    weighted.sort((a, b) => b.w * b.idf - a.w * a.idf);
    weighted.length = Math.min(weighted.length, MAX_QUERY_TERMS);
    // Impact-ordered cut-off: the most telling terms always count; after them, a term is scored
    // only while the postings read stay within a budget. What is dropped is the long tail of
    // common words (long postings, low idf) that costs most and moves rankings least.
    let work = 0;
    let keep = 0;
    for (; keep < weighted.length; keep++) {
      const t = weighted[keep]!;
      const cost = this.body.lengthOf(t.id) + this.sym.lengthOf(t.id);
      if (keep >= ALWAYS_SCORED_TERMS && work + cost > POSTINGS_BUDGET) break;
      work += cost;
    }
    weighted.length = keep;

    let count = 0;
    const files = this.aliveFiles || 1;
    const bonusFiles: number[] = [];
    const fileBonus = this.fileBonus;
    const fileAlive = this.fileAlive;
    for (const { id, w, idf } of weighted) {
      const wi = w * idf * (K1 + 1);
      this.body.forEach(id, (s, tf) => {
        if (alive[s] === 0) return;
        const prev = scores[s]!;
        if (prev === 0) touched[count++] = s;
        scores[s] = prev + (wi * tf) / (tf + norm[s]!);
      });
      const ws = w * idf * SYMBOL_WEIGHT;
      this.sym.forEach(id, (s) => {
        if (alive[s] === 0) return;
        const prev = scores[s]!;
        if (prev === 0) touched[count++] = s;
        scores[s] = prev + ws;
      });
      // Path matches are per file: a bonus per file, added to its matching chunks below.
      if (this.path.lengthOf(id)) {
        const fdf = this.fileDf[id]!;
        const wp = w * Math.log(1 + (files - fdf + 0.5) / (fdf + 0.5)) * PATH_WEIGHT;
        this.path.forEach(id, (f) => {
          if (fileAlive[f] === 0) return;
          if (fileBonus[f] === 0) bonusFiles.push(f);
          fileBonus[f] = fileBonus[f]! + wp;
        });
      }
    }

    if (this.outScores.length < count) this.outScores = new Float64Array(Math.max(count, this.outScores.length * 2));
    const out = this.outScores;
    const fileState = this.fileState;
    const fileMult = this.fileMult;
    const seenFiles: number[] = [];
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const s = touched[i]!;
      const raw = scores[s]!;
      scores[s] = 0;
      const f = this.fileOf[s]!;
      let state = fileState[f]!;
      if (state === 0) {
        state = !fileAllowed || fileAllowed(f) ? 1 : -1;
        fileState[f] = state;
        fileMult[f] = fileBoost ? fileBoost(f) : 1;
        seenFiles.push(f);
      }
      if (state < 0) continue;
      touched[kept] = s;
      out[kept++] = (raw + fileBonus[f]!) * fileMult[f]!;
    }
    for (const f of seenFiles) fileState[f] = 0;
    for (const f of bonusFiles) fileBonus[f] = 0;
    return { slots: touched, scores: out, n: kept };
  }

  snapshot(): LexicalSnapshot {
    if (this.deadChunks > 0) this.compact();
    const n = this.nextSlot;
    let terms = this.restoredTerms;
    if (terms === undefined) {
      const list = new Array<string>(this.termCount);
      for (const [t, id] of this.ids) list[id] = t;
      terms = list.join('\0');
    }
    return {
      terms,
      body: this.body.pack(this.termCount, this.chunkAlive),
      sym: this.sym.pack(this.termCount, this.chunkAlive),
      path: this.path.pack(this.termCount, this.fileIsAlive),
      df: this.df.slice(0, this.termCount),
      fileDf: this.fileDf.slice(0, this.termCount),
      alive: this.alive.slice(0, n),
      len: this.len.slice(0, n),
      fileOf: this.fileOf.slice(0, n),
      fileAlive: this.fileAlive.slice(),
      counters: { aliveChunks: this.aliveChunks, aliveFiles: this.aliveFiles, totalLen: this.totalLen, nextSlot: this.nextSlot },
      freeSlots: [...this.freeSlots],
    };
  }

  static restore(s: LexicalSnapshot): LexicalIndex {
    const x = new LexicalIndex();
    // The packed postings have an offset per term, and one past the last.
    const count = s.body.offsets.length - 1;
    x.idMap = undefined;
    x.restoredTerms = s.terms;
    x.termCount = count;
    x.body = PostingsField.unpack(s.body, count);
    x.sym = PostingsField.unpack(s.sym, count);
    x.path = PostingsField.unpack(s.path, count);
    x.df = grow(s.df, 1, (k) => new Int32Array(k));
    x.fileDf = grow(s.fileDf, 1, (k) => new Int32Array(k));
    x.alive = grow(s.alive, 1, (k) => new Uint8Array(k));
    x.len = grow(s.len, 1, (k) => new Uint32Array(k));
    x.fileOf = grow(s.fileOf, 1, (k) => new Int32Array(k));
    x.fileAlive = grow(s.fileAlive, 1, (k) => new Uint8Array(k));
    x.aliveChunks = s.counters.aliveChunks;
    x.aliveFiles = s.counters.aliveFiles;
    x.totalLen = s.counters.totalLen;
    x.nextSlot = s.counters.nextSlot;
    x.freeSlots = [...s.freeSlots];
    return x;
  }

  fileOfSlot(slot: number): number {
    return this.fileOf[slot]!;
  }
}

export function pathTerms(path: string): Set<string> {
  const s = new Set<string>();
  forEachTerm(path.replace(/[/.\\-]/g, ' '), (t) => s.add(t));
  return s;
}

function nameTerms(names: readonly string[]): Set<string> {
  const s = new Set<string>();
  for (const n of names) forEachTerm(n.replace(/\./g, ' '), (t) => s.add(t));
  return s;
}
