// Growing the index's typed arrays: one copy-into-a-bigger-array for every structure that keeps
// its data in flat arrays (postings, the identifier interner, the syntax node store).

type Growable = Uint8Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike> | Int32Array<ArrayBufferLike> | Float32Array<ArrayBufferLike>;

/** `to`, a bigger array of `from`'s kind, with `from` copied to its start. */
export function grown<T extends Growable>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** `a` if it has `need` elements, else a copy at least twice its length (made by `make`). */
export function grow<T extends Growable>(a: T, need: number, make: (n: number) => T): T {
  return need <= a.length ? a : grown(a, make(Math.max(need, a.length * 2)));
}
