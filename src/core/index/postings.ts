// Postings for the lexical index: per term, the (slot, term frequency) pairs of one field, held
// for every term at once in a few flat typed arrays, never in an object per term. A big workspace
// has hundreds of thousands of terms; an object and two typed arrays each cost ~700 bytes per
// term and field in V8 and made a reopen build them all again.
//
// Two parts. The packed part: term t's entries are slots[offsets[t]..offsets[t+1]), as the cache
// stores them (a reopen takes the arrays as they load). The log: entries added since the last
// pack, appended in the order they come and chained per term (first/last/next), in blocks of a
// fixed size, so adding never copies what is there. merge() folds the log into the packed part,
// leaving out dead slots; the index merges after a build and before a save, never in the middle
// of a build: a merge holds the old and the new packed arrays at once, and mid-build that came on
// top of the parse workers' memory (on a 105k-file tree, the peak of the whole build).
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

/** Log entry j is at offset j & LOG_BLOCK_MASK of block j >>> LOG_BLOCK_BITS (32k entries, 320 KB). */
const LOG_BLOCK_BITS = 15;
const LOG_BLOCK = 1 << LOG_BLOCK_BITS;
const LOG_BLOCK_MASK = LOG_BLOCK - 1;

export class PostingsField {
  // The packed part: `offsets` covers the first `packedTerms` terms.
  private offsets: U32 = new Uint32Array(1);
  private packedTerms = 0;
  private slots: U32 = new Uint32Array(0);
  private tfs: U16 = new Uint16Array(0);
  // The log, in blocks: entry j is (slot, tf), followed in its term's chain by next (-1 ends).
  private logSlot: Uint32Array[] = [];
  private logTf: Uint16Array[] = [];
  private logNext: Int32Array[] = [];
  private logUsed = 0;
  // Per term: its chain in the log (-1 when empty) and the chain's length.
  private first: I32 = new Int32Array(1024).fill(-1);
  private last: I32 = new Int32Array(1024);
  private logLen: I32 = new Int32Array(1024);

  /** Entries of a term, packed and logged (dead slots included until the next merge). */
  lengthOf(term: number): number {
    return this.packedLength(term) + (term < this.logLen.length ? this.logLen[term]! : 0);
  }

  private packedLength(term: number): number {
    return term < this.packedTerms ? this.offsets[term + 1]! - this.offsets[term]! : 0;
  }

  /** Calls visit(slot, tf) for each entry of the term, oldest first. */
  forEach(term: number, visit: (slot: number, tf: number) => void): void {
    if (term < this.packedTerms) {
      const slots = this.slots;
      const tfs = this.tfs;
      for (let i = this.offsets[term]!, end = this.offsets[term + 1]!; i < end; i++) visit(slots[i]!, tfs[i]!);
    }
    if (term >= this.first.length) return;
    const { logSlot, logTf, logNext } = this;
    for (let j = this.first[term]!; j >= 0; ) {
      const b = j >>> LOG_BLOCK_BITS;
      const o = j & LOG_BLOCK_MASK;
      visit(logSlot[b]![o]!, logTf[b]![o]!);
      j = logNext[b]![o]!;
    }
  }

  /** Entries in the log. */
  get logged(): number {
    return this.logUsed;
  }

  /** Entries the log has room for before it takes another block (for tests). */
  get logCapacity(): number {
    return this.logSlot.length * LOG_BLOCK;
  }

  push(term: number, slot: number, tf: number): void {
    if (term >= this.first.length) {
      const n = Math.max(term + 1, this.first.length * 2);
      const first = new Int32Array(n).fill(-1);
      first.set(this.first);
      this.first = first;
      this.last = grow(this.last, n, (k) => new Int32Array(k));
      this.logLen = grow(this.logLen, n, (k) => new Int32Array(k));
    }
    const j = this.logUsed++;
    const b = j >>> LOG_BLOCK_BITS;
    const o = j & LOG_BLOCK_MASK;
    if (b === this.logSlot.length) {
      this.logSlot.push(new Uint32Array(LOG_BLOCK));
      this.logTf.push(new Uint16Array(LOG_BLOCK));
      this.logNext.push(new Int32Array(LOG_BLOCK));
    }
    this.logSlot[b]![o] = slot;
    this.logTf[b]![o] = tf > 65535 ? 65535 : tf;
    this.logNext[b]![o] = -1;
    const prev = this.last[term]!;
    if (this.first[term]! < 0) this.first[term] = j;
    else this.logNext[prev >>> LOG_BLOCK_BITS]![prev & LOG_BLOCK_MASK] = j;
    this.last[term] = j;
    this.logLen[term]!++;
  }

  /**
   * Folds the log into the packed part, for `terms` terms, dropping entries whose slot `alive`
   * rejects. Entries keep their order (packed ones first, then the log's).
   */
  merge(terms: number, alive: (slot: number) => boolean): void {
    const offsets = new Uint32Array(terms + 1);
    let total = 0;
    for (let t = 0; t < terms; t++) {
      offsets[t] = total;
      total += this.lengthOf(t);
    }
    const slots = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    let w = 0;
    const { slots: oldSlots, tfs: oldTfs, logSlot, logTf, logNext, first } = this;
    for (let t = 0; t < terms; t++) {
      offsets[t] = w;
      if (t < this.packedTerms)
        for (let i = this.offsets[t]!, end = this.offsets[t + 1]!; i < end; i++) {
          const s = oldSlots[i]!;
          if (!alive(s)) continue;
          slots[w] = s;
          tfs[w++] = oldTfs[i]!;
        }
      if (t < first.length)
        for (let j = first[t]!; j >= 0; ) {
          const b = j >>> LOG_BLOCK_BITS;
          const o = j & LOG_BLOCK_MASK;
          const s = logSlot[b]![o]!;
          if (alive(s)) {
            slots[w] = s;
            tfs[w++] = logTf[b]![o]!;
          }
          j = logNext[b]![o]!;
        }
    }
    offsets[terms] = w;
    this.offsets = offsets;
    this.packedTerms = terms;
    // Exactly sized when nothing was dropped (the usual case after a build).
    this.slots = w === total ? slots : slots.slice(0, w);
    this.tfs = w === total ? tfs : tfs.slice(0, w);
    this.clearLog();
  }

  private clearLog(): void {
    this.logSlot = [];
    this.logTf = [];
    this.logNext = [];
    this.logUsed = 0;
    this.first = new Int32Array(1024).fill(-1);
    this.last = new Int32Array(1024);
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
