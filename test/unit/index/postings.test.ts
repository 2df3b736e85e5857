import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostingsField } from '../../../src/core/index/postings';
import { LexicalIndex } from '../../../src/core/index/lexical';
import { identifiersOfChunks } from '../../../src/core/index/terms';
import { parseQuery } from '../../../src/core/index/query';

/** A small deterministic random source (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function entries(f: PostingsField, term: number): [number, number][] {
  const out: [number, number][] = [];
  f.forEach(term, (s, tf) => out.push([s, tf]));
  return out;
}

describe('postings field', () => {
  test('pushes, merges that drop dead slots, and pack/unpack agree with a plain list per term', () => {
    const rand = rng(7);
    const TERMS = 300;
    const model = new Map<number, [number, number][]>();
    let field = new PostingsField();
    const dead = new Set<number>();
    let terms = 0;
    let lastSlot = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rand();
      if (r < 0.9) {
        const term = Math.floor(rand() ** 2 * TERMS);
        terms = Math.max(terms, term + 1);
        // Runs of one slot, as a chunk's terms come, and single entries.
        const slot = rand() < 0.7 ? lastSlot : Math.floor(rand() * 5000);
        lastSlot = slot;
        const tf = 1 + Math.floor(rand() * 70_000); // past 65535 it is capped
        field.push(term, slot, tf);
        if (!model.has(term)) model.set(term, []);
        model.get(term)!.push([slot, Math.min(tf, 65535)]);
      } else if (r < 0.95) {
        dead.add(Math.floor(rand() * 5000));
      } else if (r < 0.98) {
        const alive = (s: number) => !dead.has(s);
        field.merge(terms, alive);
        for (const [t, list] of model) model.set(t, list.filter(([s]) => alive(s)));
      } else {
        const alive = (s: number) => !dead.has(s);
        const packed = field.pack(terms, alive);
        for (const [t, list] of model) model.set(t, list.filter(([s]) => alive(s)));
        // As the cache stores it: plain arrays, read back into a new field.
        field = PostingsField.unpack({ offsets: packed.offsets.slice(), slots: packed.slots.slice(), tfs: packed.tfs.slice() }, terms);
      }
      if (step % 997 === 0 || step === 19_999)
        for (let t = 0; t < TERMS; t++) {
          assert.deepEqual(entries(field, t), model.get(t) ?? [], `term ${t} at step ${step}`);
          assert.equal(field.lengthOf(t), (model.get(t) ?? []).length);
        }
    }
  });

  test('the log takes room a block at a time, keeps a slot once per run, finds entries across blocks, and never merges by itself', () => {
    const f = new PostingsField();
    const n = 200_000; // several blocks
    // Chunks of 50 distinct terms each, as a build adds them: slot i / 50 holds terms i % 1000.
    for (let i = 0; i < n; i++) {
      f.push(i % 1000, Math.floor(i / 50), 1 + (i % 3));
      if (i % 9_973 === 0) assert.ok(f.logCapacity > f.logged && f.logCapacity - f.logged <= 1 << 15, `room ${f.logCapacity} for ${f.logged} entries`);
    }
    assert.equal(f.logged, n, 'nothing was merged along the way');
    // 4 bytes an entry of room and a slot per run; a per-term chain (slot, tf, next) took 10.
    assert.ok(f.logBytes / f.logCapacity < 4.5, `${(f.logBytes / f.logCapacity).toFixed(2)} bytes an entry`);
    // Every entry is where it belongs: term 7 got slots 0, 20, 40, ... across every block.
    const seven: [number, number][] = [];
    for (let i = 7; i < n; i += 1000) seven.push([Math.floor(i / 50), 1 + (i % 3)]);
    assert.deepEqual(entries(f, 7), seven);
    assert.equal(f.lengthOf(7), seven.length);
    f.merge(1000, (s) => s % 2 === 1); // and a merge keeps the live ones, in order
    assert.deepEqual(entries(f, 7), seven.filter(([s]) => s % 2 === 1));
    assert.equal(f.logged, 0);
    assert.equal(f.logCapacity, 0, 'the merged log gives its blocks back');
  });

  test('terms past 24 bits and tfs past one byte are kept exactly, and never taken for others', () => {
    const f = new PostingsField();
    const wide = (255 << 16) + 7; // past the high byte's range
    const alias = 7; // the same low 16 bits
    const pushes: [number, number, number][] = [
      [alias, 1, 3], [wide, 1, 300], [wide + 65536, 1, 1], [(254 << 16) + 7, 2, 254], [alias, 2, 255], [wide, 3, 70_000], [1 << 25, 3, 2],
    ];
    for (const [t, s, tf] of pushes) f.push(t, s, tf);
    const want = (t: number) => pushes.filter(([pt]) => pt === t).map(([, s, tf]): [number, number] => [s, Math.min(tf, 65535)]);
    const all = [...new Set(pushes.map(([t]) => t))];
    for (const t of all) assert.deepEqual(entries(f, t), want(t), `term ${t}`);
    assert.deepEqual(entries(f, (255 << 16) + 8), []);
    f.merge((1 << 25) + 1, () => true);
    for (const t of all) assert.deepEqual(entries(f, t), want(t), `term ${t} after the merge`);
  });

  test('a term past the packed part, or never seen, has no entries', () => {
    const f = PostingsField.unpack({ offsets: new Uint32Array([0, 2]), slots: new Uint32Array([4, 9]), tfs: new Uint16Array([1, 3]) }, 1);
    assert.deepEqual(entries(f, 0), [[4, 1], [9, 3]]);
    assert.deepEqual(entries(f, 5), []);
    f.push(5, 11, 2);
    assert.deepEqual(entries(f, 5), [[11, 2]]);
    assert.deepEqual(entries(f, 0), [[4, 1], [9, 3]]);
  });
});

describe('lexical index after removals and merges', () => {
  const words = ['parse', 'http', 'response', 'cache', 'index', 'worker', 'token', 'chunk', 'query', 'score', 'file', 'path', 'symbol', 'merge', 'slot'];
  function chunkText(rand: () => number): string {
    const n = 5 + Math.floor(rand() * 30);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = words[Math.floor(rand() * words.length)]!;
      const b = words[Math.floor(rand() * words.length)]!;
      out.push(rand() < 0.5 ? a : `${a}${b[0]!.toUpperCase()}${b.slice(1)}`);
    }
    return out.join(' ');
  }
  function addFile(ix: LexicalIndex, fileSlot: number, path: string, texts: string[]): number[] {
    ix.addFile(fileSlot, path);
    return ix.addChunks(fileSlot, identifiersOfChunks(texts), texts.map((t) => [t.split(' ')[0]!]));
  }
  function scores(ix: LexicalIndex, q: string): number[] {
    const r = ix.score(parseQuery(q).terms);
    return Array.from(r.scores.subarray(0, r.n)).sort((a, b) => a - b);
  }

  test('scores equal those of an index built from the surviving files alone (compaction and a cache round trip included)', () => {
    const rand = rng(11);
    const files = Array.from({ length: 400 }, (_, i) => ({ path: `src/${words[i % words.length]}/f${i}.ts`, texts: Array.from({ length: 1 + Math.floor(rand() * 6) }, () => chunkText(rand)) }));
    const churned = new LexicalIndex();
    const slotsOf = new Map<number, number[]>();
    files.forEach((f, i) => slotsOf.set(i, addFile(churned, i, f.path, f.texts)));
    // Remove most files (past the compaction threshold), then add some back under new file slots.
    const removed = files.map((_, i) => i).filter((i) => i % 5 !== 0);
    for (const i of removed) {
      for (const [k, slot] of slotsOf.get(i)!.entries()) churned.removeChunk(slot, { text: files[i]!.texts[k]!, names: [] });
      churned.removeFile(i, files[i]!.path);
    }
    const readded = removed.filter((i) => i % 3 === 0);
    readded.forEach((i, k) => addFile(churned, files.length + k, files[i]!.path, files[i]!.texts));
    const survivors = files.map((_, i) => i).filter((i) => i % 5 === 0 || readded.includes(i));
    const fresh = new LexicalIndex();
    survivors.forEach((i, k) => addFile(fresh, k, files[i]!.path, files[i]!.texts));
    const restored = LexicalIndex.restore(structuredClone(churned.snapshot()));
    for (const q of ['parse http', 'cache worker token', 'f10 parse', 'score the merge slot', 'src path symbol', 'responseCache']) {
      const want = scores(fresh, q);
      assert.ok(want.length > 0, q);
      for (const [name, ix] of [['churned', churned], ['restored', restored]] as const) {
        const got = scores(ix, q);
        assert.equal(got.length, want.length, `${name}: ${q}`);
        got.forEach((s, i) => assert.ok(Math.abs(s - want[i]!) < 1e-9, `${name}: ${q}: ${s} vs ${want[i]}`));
      }
    }
  });
});
