// Postings lists for the lexical index: one growable list of (chunk slot, term frequency) per
// term, in typed arrays, and their packed form for the cache (one offsets array and two flat
// arrays per field, which serialise and load without a copy per term).
export type U32 = Uint32Array<ArrayBufferLike>;
export type U16 = Uint16Array<ArrayBufferLike>;
export type I32 = Int32Array<ArrayBufferLike>;
export type U8 = Uint8Array<ArrayBufferLike>;

const NO_SLOTS: U32 = new Uint32Array(0);
const NO_TFS: U16 = new Uint16Array(0);

export class Postings {
  slots: U32 = NO_SLOTS;
  tfs: U16 = NO_TFS;
  n = 0;
  push(slot: number, tf: number): void {
    if (this.n === this.slots.length) {
      const cap = Math.max(2, this.n * 2);
      const s = new Uint32Array(cap);
      s.set(this.slots);
      this.slots = s;
      const t = new Uint16Array(cap);
      t.set(this.tfs);
      this.tfs = t;
    }
    this.slots[this.n] = slot;
    this.tfs[this.n++] = tf > 65535 ? 65535 : tf;
  }
  compact(alive: (slot: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const s = this.slots[r]!;
      if (alive(s)) {
        this.slots[w] = s;
        this.tfs[w++] = this.tfs[r]!;
      }
    }
    this.n = w;
  }
}

/**
 * Most terms never occur in a symbol or a path, and many occur once: every list starts as this
 * shared empty one and gets its own object on the first push (see `into`). On a 180k-chunk index
 * that saves hundreds of thousands of objects.
 */
export const EMPTY = new Postings();

export function into(lists: Postings[], id: number): Postings {
  let p = lists[id]!;
  if (p === EMPTY) lists[id] = p = new Postings();
  return p;
}

export function grow<T extends U8 | U32 | I32 | Float32Array<ArrayBufferLike>>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Postings of every term packed into three arrays (term t's entries are offsets[t]..offsets[t+1]). */
export interface PackedPostings {
  offsets: Uint32Array;
  slots: Uint32Array;
  tfs: Uint16Array;
}


export function pack(list: Postings[]): PackedPostings {
  const offsets = new Uint32Array(list.length + 1);
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    offsets[i] = total;
    total += list[i]!.n;
  }
  offsets[list.length] = total;
  const slots = new Uint32Array(total);
  const tfs = new Uint16Array(total);
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    slots.set(p.slots.subarray(0, p.n), offsets[i]!);
    tfs.set(p.tfs.subarray(0, p.n), offsets[i]!);
  }
  return { offsets, slots, tfs };
}

export function unpack(packed: PackedPostings, count: number): Postings[] {
  const out: Postings[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const a = packed.offsets[i]!;
    const b = packed.offsets[i + 1]!;
    if (b === a) {
      out[i] = EMPTY;
      continue;
    }
    const p = new Postings();
    {
      // Views into the loaded buffer; the first push past them copies (Postings.push grows).
      p.slots = packed.slots.subarray(a, b);
      p.tfs = packed.tfs.subarray(a, b);
      p.n = b - a;
    }
    out[i] = p;
  }
  return out;
}
