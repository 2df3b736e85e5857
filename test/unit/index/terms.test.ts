import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTermsOfIdentifier, IdentInterner, identifiersOfChunks, scanIdentifiers, splitByPatterns, splitIdentifier, termsOfIdentifier } from '../../../src/core/index/terms';

/** A small deterministic random source (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * What identifiersOfChunks must equal: scanIdentifiers' output, distinct identifiers numbered in
 * first-seen order, and per chunk each one it uses once (in first-seen order) with its count.
 */
function expected(texts: string[]): { idents: string[]; uses: number[]; counts: number[]; offsets: number[] } {
  const index = new Map<string, number>();
  const idents: string[] = [];
  const uses: number[] = [];
  const counts: number[] = [];
  const offsets: number[] = [];
  for (const t of texts) {
    offsets.push(uses.length);
    const inChunk = new Map<number, number>();
    scanIdentifiers(t, (ident) => {
      if (!index.has(ident)) {
        index.set(ident, idents.length);
        idents.push(ident);
      }
      const k = index.get(ident)!;
      const at = inChunk.get(k);
      if (at !== undefined) counts[at]!++;
      else {
        inChunk.set(k, uses.length);
        uses.push(k);
        counts.push(1);
      }
    });
  }
  offsets.push(uses.length);
  return { idents, uses, counts, offsets };
}

function actual(texts: string[]): { idents: string[]; uses: number[]; counts: number[]; offsets: number[] } {
  const r = identifiersOfChunks(texts);
  return { idents: [...r.table.idents], uses: [...r.uses], counts: [...r.counts], offsets: [...r.offsets] };
}

describe('identifiers of chunks', () => {
  test('non-ASCII text, lone surrogates, digits and the 96-character cap split identifiers as the character scanner does', () => {
    const texts = [
      'const café = naïveValue + x1;',
      'ünïcode_ok ok_ünïcode a\u00e9b \ud800lone\udfffsurrogate $jq _under 9lives x9',
      `${'a'.repeat(96)} ${'b'.repeat(97)} ${'c'.repeat(96)}d`,
      '',
      '日本語のテキスト identifier 日本 mixed日本text',
    ];
    assert.deepEqual(actual(texts), expected(texts));
  });

  test('tens of thousands of distinct identifiers (table growth, hash collisions) and texts past the kept scan buffer', () => {
    const rand = rng(5);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789';
    const word = () => {
      let w = alphabet[Math.floor(rand() * 54)]!;
      for (let n = Math.floor(rand() * 12); n > 0; n--) w += alphabet[Math.floor(rand() * alphabet.length)]!;
      return w;
    };
    const vocabulary = Array.from({ length: 30_000 }, word);
    const text = (words: number) => Array.from({ length: words }, () => vocabulary[Math.floor(rand() * vocabulary.length)]).join(rand() < 0.5 ? ' ' : '(é);\n');
    const texts = [text(50_000), text(10), text(400_000), text(3)];
    assert.ok(texts[2]!.length * 3 > 4 << 20, 'one text is past the scan buffer kept between calls');
    assert.deepEqual(actual(texts), expected(texts));
    // The same again: the kept buffer's leftover bytes from a longer text never leak into a shorter one.
    const short = ['tail end'];
    assert.deepEqual(actual(short), expected(short));
  });
});

describe('identifiers of a parse batch', () => {
  test("files sharing a batch table see the same identifiers, in the same order, as with tables of their own", () => {
    const files = [['alpha beta', 'beta gamma alpha'], ['gamma delta', 'epsilon'], [''], ['alpha zeta alpha']];
    const batch = new IdentInterner();
    for (const texts of files) {
      const own = identifiersOfChunks(texts);
      const inBatch = identifiersOfChunks(texts, batch);
      assert.equal(inBatch.table, batch.table, 'the result refers to the batch table');
      const resolved = (ids: typeof own) => Array.from(ids.uses, (k, u) => `${ids.refs ? ids.table.idents[ids.refs[k]!] : ids.table.idents[k]} x${ids.counts[u]}`);
      assert.deepEqual(resolved(inBatch), resolved(own));
      assert.deepEqual([...inBatch.offsets], [...own.offsets]);
      assert.equal(inBatch.refs!.length, own.table.idents.length, "refs are the file's distinct identifiers");
    }
    assert.deepEqual(batch.table.idents, ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']);
  });
});

describe('words of an identifier', () => {
  test('the one-pass split gives the words the patterns define, on names and on random strings of the characters that matter', () => {
    assert.deepEqual(splitIdentifier('parseHTTPResponse'), ['parse', 'HTTP', 'Response']);
    assert.deepEqual(splitIdentifier('max_file_bytes2x'), ['max', 'file', 'bytes', '2x']);
    assert.deepEqual(splitIdentifier('$ABCdEFg9Z'), ['AB', 'Cd', 'E', 'Fg', '9', 'Z']);
    assert.deepEqual(splitIdentifier('naïveValue'), splitByPatterns('naïveValue'), 'non-ASCII goes through the patterns');
    const rand = rng(11);
    const alphabet = 'aAbBzZ09_$-. xYqQ';
    for (let k = 0; k < 50_000; k++) {
      let w = '';
      for (let m = 1 + Math.floor(rand() * 12); m > 0; m--) w += alphabet[Math.floor(rand() * alphabet.length)];
      assert.deepEqual(splitIdentifier(w), splitByPatterns(w), JSON.stringify(w));
    }
  });
});

describe('terms of an identifier', () => {
  test('whole and words, lower-cased and stemmed; one-word names lose their edge marks; memoised or not, the same', () => {
    assert.deepEqual(termsOfIdentifier('parseHTTPResponses'), ['parsehttpresponses', 'parse', 'http', 'response']);
    assert.deepEqual(termsOfIdentifier('_secret_'), ['secret']);
    assert.deepEqual(termsOfIdentifier('$$Queries'), ['query']);
    assert.deepEqual(termsOfIdentifier('__init__'), ['init']);
    assert.deepEqual(termsOfIdentifier('the'), [], 'a stop word');
    assert.deepEqual(termsOfIdentifier('$'), []);
    for (const ident of ['__proto__', 'x9', 'getX', 'a$$', 'Max_File_Bytes', 'IOError', '$ref', 'ref$']) assert.deepEqual(computeTermsOfIdentifier(ident), termsOfIdentifier(ident), ident);
  });
});
