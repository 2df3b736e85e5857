// Postings for the lexical index: per term, the (slot, term frequency) pairs of one field, held
// for every term at once in a few flat typed arrays, never in an object per term. A big workspace
// has hundreds of thousands of terms; an object and two typed arrays each cost ~700 bytes per
// term and field in V8 and made a reopen build them all again.
//
// Two parts. The packed part: term t's entries are slots[offsets[t]..offsets[t+1]), as the cache
// stores them (a reopen takes the arrays as they load). The log: entries added since the last
// pack, as (term, tf) in the order they come, in blocks of a fixed size so adding never copies
// what is there. Entries come a chunk at a time, so the log keeps a slot once per run of entries
// (a chunk's terms) instead of once per entry, and an entry takes 4 bytes: the term's low 16
// bits, its high 8 and a one-byte tf, the rare wider term or larger tf kept beside the blocks. A
// per-term chain (slot, tf, next) took 10 bytes an entry, and the log is the largest thing a big
// build holds (18.7M body entries on a 105k-file tree). merge() folds the log into the packed
// part with a counting sort, leaving out dead slots; the index merges after a build and before a
// save, never in the middle of a build: a merge holds the log and the new packed arrays at once,
// and mid-build that came on top of the parse workers' memory. Reading one term's logged entries
// scans the log; only a search while a build runs meets a long one.
import { grow } from './typed-arrays';

export type U32 = Uint32Array<ArrayBufferLike>;
export type U16 = Uint16Array<ArrayBufferLike>;
export type I32 = Int32Array<ArrayBufferLike>;
export type U8 = Uint8Array<ArrayBufferLike>;

/** Postings of every term packed into three arrays (term t's entries are offsets[t]..offsets[t+1]). */
export interface PackedPostings {
  offsets: Uint32Array;
  slots: Uint32Array;
  tfs: Uint16Array;
}

/** Log entry j is at offset j & LOG_BLOCK_MASK of block j >>> LOG_BLOCK_BITS (32k entries, 128 KB). */
const LOG_BLOCK_BITS = 15;
const LOG_BLOCK = 1 << LOG_BLOCK_BITS;
const LOG_BLOCK_MASK = LOG_BLOCK - 1;
/** A high byte of WIDE: the entry's term is WIDE_TERMS or more, and in `wideTerms`. */
const WIDE = 255;
const WIDE_TERMS = WIDE << 16;
/** A tf byte of BIG_TF: the entry's tf is BIG_TF or more, and in `bigTfs`. */
const BIG_TF = 255;

export class PostingsField {
  // The packed part: `offsets` covers the first `packedTerms` terms.
  private offsets: U32 = new Uint32Array(1);
  private packedTerms = 0;
  private slots: U32 = new Uint32Array(0);
  private tfs: U16 = new Uint16Array(0);
  // The log, in blocks: entry j is (term, tf), the term split in its low 16 bits and high 8.
  private logLo: Uint16Array[] = [];
  private logHi: Uint8Array[] = [];
  private logTf: Uint8Array[] = [];
  private logUsed = 0;
  private wideTerms = new Map<number, number>();
  private bigTfs = new Map<number, number>();
  // Its runs: run r's entries, from runStart[r] up to the next run's start, belong to runSlot[r].
  private runSlot: U32 = new Uint32Array(1024);
  private runStart: U32 = new Uint32Array(1024);
  private runs = 0;
  // Per term: its entries in the log.
  private logLen: I32 = new Int32Array(1024);

  /** Entries of a term, packed and logged (dead slots included until the next merge). */
  lengthOf(term: number): number {
    return this.packedLength(term) + this.loggedLength(term);
  }

  private packedLength(term: number): number {
    return term < this.packedTerms ? this.offsets[term + 1]! - this.offsets[term]! : 0;
  }

  private loggedLength(term: number): number {
    return term < this.logLen.length ? this.logLen[term]! : 0;
  }

  /** Calls visit(slot, tf) for each entry of the term, oldest first. */
  forEach(term: number, visit: (slot: number, tf: number) => void): void {
    if (term < this.packedTerms) {
      const slots = this.slots;
      const tfs = this.tfs;
      for (let i = this.offsets[term]!, end = this.offsets[term + 1]!; i < end; i++) visit(slots[i]!, tfs[i]!);
    }
    let left = this.loggedLength(term);
    if (left === 0) return;
    const { logLo, logHi, logTf, runSlot, runStart, runs, logUsed, wideTerms, bigTfs } = this;
    const lo = term & 0xffff;
    const hi = term >= WIDE_TERMS ? WIDE : term >>> 16;
    for (let b = 0, r = 0; left > 0 && b < logLo.length; b++) {
      // Native indexOf finds the low bits in a block several times faster than a loop over it.
      const los = logLo[b]!;
      const his = logHi[b]!;
      const base = b << LOG_BLOCK_BITS;
      const end = Math.min(LOG_BLOCK, logUsed - base);
      for (let o = los.indexOf(lo); o >= 0 && o < end; o = los.indexOf(lo, o + 1)) {
        const j = base + o;
        if (his[o] !== hi || (hi === WIDE && wideTerms.get(j) !== term)) continue;
        // The entry's run: runs only move forward as the scan does.
        while (r + 1 < runs && runStart[r + 1]! <= j) r++;
        const tf = logTf[b]![o]!;
        visit(runSlot[r]!, tf === BIG_TF ? bigTfs.get(j)! : tf);
        if (--left === 0) return;
      }
    }
  }

  /** Entries in the log. */
  get logged(): number {
    return this.logUsed;
  }

  /** Entries the log has room for before it takes another block (for tests). */
  get logCapacity(): number {
    return this.logLo.length * LOG_BLOCK;
  }

  /** Bytes the log's arrays hold: its blocks, its runs and its per-term counts (for tests). */
  get logBytes(): number {
    return this.logCapacity * 4 + this.runSlot.byteLength + this.runStart.byteLength + this.logLen.byteLength;
  }

  push(term: number, slot: number, tf: number): void {
    if (term >= this.logLen.length) this.logLen = grow(this.logLen, term + 1, (k) => new Int32Array(k));
    const j = this.logUsed++;
    const b = j >>> LOG_BLOCK_BITS;
    const o = j & LOG_BLOCK_MASK;
    if (b === this.logLo.length) {
      this.logLo.push(new Uint16Array(LOG_BLOCK));
      this.logHi.push(new Uint8Array(LOG_BLOCK));
      this.logTf.push(new Uint8Array(LOG_BLOCK));
    }
    this.logLo[b]![o] = term & 0xffff;
    if (term < WIDE_TERMS) this.logHi[b]![o] = term >>> 16;
    else {
      this.logHi[b]![o] = WIDE;
      this.wideTerms.set(j, term);
    }
    if (tf < BIG_TF) this.logTf[b]![o] = tf;
    else {
      this.logTf[b]![o] = BIG_TF;
      this.bigTfs.set(j, tf > 65535 ? 65535 : tf);
    }
    this.logLen[term]!++;
    if (this.runs === 0 || this.runSlot[this.runs - 1] !== slot) {
      if (this.runs === this.runSlot.length) {
        this.runSlot = grow(this.runSlot, this.runs + 1, (k) => new Uint32Array(k));
        this.runStart = grow(this.runStart, this.runs + 1, (k) => new Uint32Array(k));
      }
      this.runSlot[this.runs] = slot;
      this.runStart[this.runs++] = j;
    }
  }

  /**
   * Folds the log into the packed part, for `terms` terms, dropping entries whose slot `alive`
   * rejects. Entries keep their order (packed ones first, then the log's).
   */
  merge(terms: number, alive: (slot: number) => boolean): void {
    const { slots: oldSlots, tfs: oldTfs, offsets: oldOffsets, packedTerms, runSlot, runStart, runs, logUsed } = this;
    // Where each run's slot lives, once per run rather than once per entry.
    const runAlive = new Uint8Array(runs);
    for (let r = 0; r < runs; r++) runAlive[r] = alive(runSlot[r]!) ? 1 : 0;
    // Count what each term keeps, then lay the terms out: `next` is where a term's next entry goes.
    const next = new Uint32Array(terms + 1);
    for (let t = 0; t < Math.min(terms, packedTerms); t++)
      for (let i = oldOffsets[t]!, end = oldOffsets[t + 1]!; i < end; i++) if (alive(oldSlots[i]!)) next[t]!++;
    for (let r = 0; r < runs; r++) {
      if (!runAlive[r]) continue;
      for (let j = runStart[r]!, end = r + 1 < runs ? runStart[r + 1]! : logUsed; j < end; j++) {
        const t = this.termAt(j);
        if (t < terms) next[t]!++;
      }
    }
    const offsets = new Uint32Array(terms + 1);
    let total = 0;
    for (let t = 0; t < terms; t++) {
      offsets[t] = total;
      total += next[t]!;
      next[t] = offsets[t]!;
    }
    offsets[terms] = total;
    const slots = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    for (let t = 0; t < Math.min(terms, packedTerms); t++)
      for (let i = oldOffsets[t]!, end = oldOffsets[t + 1]!; i < end; i++) {
        const s = oldSlots[i]!;
        if (!alive(s)) continue;
        const w = next[t]!++;
        slots[w] = s;
        tfs[w] = oldTfs[i]!;
      }
    // The log in the order it came: each term's entries land after its packed ones, oldest first.
    for (let r = 0; r < runs; r++) {
      if (!runAlive[r]) continue;
      const s = runSlot[r]!;
      for (let j = runStart[r]!, end = r + 1 < runs ? runStart[r + 1]! : logUsed; j < end; j++) {
        const t = this.termAt(j);
        if (t >= terms) continue;
        const w = next[t]!++;
        slots[w] = s;
        tfs[w] = this.tfAt(j);
      }
    }
    this.offsets = offsets;
    this.packedTerms = terms;
    this.slots = slots;
    this.tfs = tfs;
    this.clearLog();
  }

  private termAt(j: number): number {
    const b = j >>> LOG_BLOCK_BITS;
    const o = j & LOG_BLOCK_MASK;
    const hi = this.logHi[b]![o]!;
    return hi === WIDE ? this.wideTerms.get(j)! : this.logLo[b]![o]! | (hi << 16);
  }

  private tfAt(j: number): number {
    const tf = this.logTf[j >>> LOG_BLOCK_BITS]![j & LOG_BLOCK_MASK]!;
    return tf === BIG_TF ? this.bigTfs.get(j)! : tf;
  }

  private clearLog(): void {
    this.logLo = [];
    this.logHi = [];
    this.logTf = [];
    this.wideTerms = new Map();
    this.bigTfs = new Map();
    this.logUsed = 0;
    this.runSlot = new Uint32Array(1024);
    this.runStart = new Uint32Array(1024);
    this.runs = 0;
    this.logLen = new Int32Array(1024);
  }

  /** The packed form, for `terms` terms (merges the log first). */
  pack(terms: number, alive: (slot: number) => boolean): PackedPostings {
    if (this.logUsed > 0) this.merge(terms, alive);
    else if (this.packedTerms !== terms) {
      // Terms added since that never occurred in this field: empty lists at the end.
      const offsets = new Uint32Array(terms + 1);
      offsets.set(this.offsets.subarray(0, this.packedTerms + 1));
      offsets.fill(this.offsets[this.packedTerms]!, this.packedTerms + 1);
      this.offsets = offsets;
      this.packedTerms = terms;
    }
    return { offsets: this.offsets as Uint32Array, slots: this.slots as Uint32Array, tfs: this.tfs as Uint16Array };
  }

  /** A field as the cache stored it: the loaded arrays are used as they are. */
  static unpack(packed: PackedPostings, terms: number): PostingsField {
    const f = new PostingsField();
    f.offsets = packed.offsets;
    f.packedTerms = Math.min(terms, packed.offsets.length - 1);
    f.slots = packed.slots;
    f.tfs = packed.tfs;
    return f;
  }
}
