import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResults, encodeResults, encodeRequests, type ReceivedIdents, type ReceivedResult } from '../../../src/core/index/parse-wire';
import { chunkBatch } from '../../../src/core/index/parse-batch';
import { IdentInterner, identifiersOfChunks, type ChunkIdentifiers } from '../../../src/core/index/terms';
import { LexicalIndex } from '../../../src/core/index/lexical';
import type { ChunkResult } from '../../../src/core/index/chunker';
import { specList, StoredSpecs } from '../../../src/core/index/spec-columns';

const files = [
  ['export function parseConfig(path) { return readConfig(path); }', 'const retryPolicy = { attempts: 3 };'],
  ['import { parseConfig } from "./config";', 'parseConfig(process.argv[2]); retryPolicy.attempts++;'],
  ['nothing shared here: zebraQuokka'],
];

/** Each chunk's identifiers, in first-occurrence order, as plain strings with their counts. */
function occurrencesOf(ci: ChunkIdentifiers): string[][] {
  const distinct = ci.refs ? Array.from(ci.refs, (k) => ci.table.idents[k]!) : ci.table.idents;
  const out: string[][] = [];
  for (let c = 0; c + 1 < ci.offsets.length; c++) {
    const chunk: string[] = [];
    for (let u = ci.offsets[c]!; u < ci.offsets[c + 1]!; u++) chunk.push(`${distinct[ci.uses[u]!]!} x${ci.counts[u]!}`);
    out.push(chunk);
  }
  return out;
}

describe('parse wire: identifiers travel once per worker table', () => {
  test('a batch sends each identifier once, and every file gets back the identifiers it had', () => {
    const results: (ChunkResult | Error)[] = files.map((chunks) => ({
      method: 'lines',
      chunks: chunks.map((_, i) => ({ startLine: i + 1, endLine: i + 1, tokens: 10 })),
      identifiers: identifiersOfChunks(chunks),
    }));
    results.splice(2, 0, new Error('this one failed'));
    const { batch } = encodeResults(7, results);
    const perFile = results.reduce((n, r) => n + (r instanceof Error ? 0 : r.identifiers!.table.idents.length), 0);
    assert.ok(batch.idents.length < perFile, `${batch.idents.length} shared vs ${perFile} per file`);
    assert.equal(new Set(batch.idents).size, batch.idents.length);
    const back = decodeResults(batch, results.length);
    assert.ok(back[2] instanceof Error);
    results.forEach((r, i) => {
      if (r instanceof Error) return;
      const got = back[i] as ChunkResult;
      assert.deepEqual(occurrencesOf(got.identifiers!), occurrencesOf(r.identifiers!));
    });
    // One table for the whole batch: the lexical index maps it to term ids once.
    const tables = new Set(back.flatMap((r) => (r instanceof Error ? [] : [r.identifiers!.table])));
    assert.equal(tables.size, 1);
  });

  test('files indexed from a shared table score exactly like files indexed from their own', () => {
    const { batch } = encodeResults(1, files.map((chunks) => ({ method: 'lines', chunks: chunks.map((_, i) => ({ startLine: i + 1, endLine: i + 1, tokens: 10 })), identifiers: identifiersOfChunks(chunks) })));
    const shared = decodeResults(batch, files.length) as ChunkResult[];
    const a = new LexicalIndex();
    const b = new LexicalIndex();
    files.forEach((chunks, f) => {
      const names = chunks.map(() => []);
      a.addChunks(f, identifiersOfChunks(chunks), names);
      b.addChunks(f, shared[f]!.identifiers!, names);
    });
    for (const q of ['parse config', 'retry policy attempts', 'zebra quokka', 'read']) {
      const terms = q.split(' ').map((t) => ({ term: t.toLowerCase(), weight: 1 }));
      const sa = a.score(terms);
      const sb = b.score(terms);
      assert.ok(sa.n > 0, q);
      assert.equal(sb.n, sa.n, q);
      assert.deepEqual(Array.from(sb.slots.subarray(0, sb.n)), Array.from(sa.slots.subarray(0, sa.n)), q);
      assert.deepEqual(Array.from(sb.scores.subarray(0, sb.n)), Array.from(sa.scores.subarray(0, sa.n)), q);
    }
  });

  test("a batch whose files share the worker's table (and one file with its own) decodes to every file's identifiers", () => {
    const interner = new IdentInterner();
    const results: (ChunkResult | Error)[] = files.map((chunks, f) => ({
      method: 'lines',
      chunks: chunks.map((_, i) => ({ startLine: i + 1, endLine: i + 1, tokens: 10 })),
      // The last file's identifiers come with a table of their own (as a document's might).
      identifiers: f < files.length - 1 ? identifiersOfChunks(chunks, interner) : identifiersOfChunks(chunks),
    }));
    const { batch } = encodeResults(3, results, { interner, sent: 0 });
    assert.equal(new Set(batch.idents).size, batch.idents.length, 'each identifier once');
    const back = decodeResults(batch, results.length) as ChunkResult[];
    results.forEach((r, i) => assert.deepEqual(occurrencesOf(back[i]!.identifiers!), occurrencesOf((r as ChunkResult).identifiers!), `file ${i}`));
  });

  test("a worker's later batches send only the identifiers its table gained, and decode in order to every file's identifiers", () => {
    const interner = new IdentInterner();
    const worker = { interner, sent: 0 };
    const resultsOf = (batch: string[][]): ChunkResult[] =>
      batch.map((chunks) => ({ method: 'lines', chunks: chunks.map((_, i) => ({ startLine: i + 1, endLine: i + 1, tokens: 10 })), identifiers: identifiersOfChunks(chunks, interner) }));
    const first = resultsOf([files[0]!]);
    const a = encodeResults(1, first, worker).batch;
    const second = resultsOf([files[1]!, files[2]!]);
    const b = encodeResults(2, second, worker).batch;
    assert.equal(a.identsFrom, 0);
    assert.equal(b.identsFrom, a.sharedIdents);
    // parseConfig, retryPolicy, attempts, ... were sent with the first batch, not again.
    for (const ident of ['parseConfig', 'retryPolicy', 'attempts']) {
      assert.ok(a.idents.includes(ident), ident);
      assert.ok(!b.idents.includes(ident), ident);
    }
    assert.ok(b.idents.includes('zebraQuokka'));
    const received: ReceivedIdents = {};
    const back = [...decodeResults(a, 1, received), ...decodeResults(b, 2, received)] as ChunkResult[];
    [...first, ...second].forEach((r, i) => assert.deepEqual(occurrencesOf(back[i]!.identifiers!), occurrencesOf(r.identifiers!), `file ${i}`));
    // And they score exactly like files indexed from tables of their own.
    const own = new LexicalIndex();
    const shared = new LexicalIndex();
    files.forEach((chunks, f) => {
      own.addChunks(f, identifiersOfChunks(chunks), chunks.map(() => []));
      shared.addChunks(f, back[f]!.identifiers!, chunks.map(() => []));
    });
    const terms = [{ term: 'parse', weight: 1 }, { term: 'zebra', weight: 1 }];
    const so = own.score(terms);
    const ss = shared.score(terms);
    assert.ok(so.n > 0);
    assert.deepEqual(Array.from(ss.slots.subarray(0, ss.n)), Array.from(so.slots.subarray(0, so.n)));
    assert.deepEqual(Array.from(ss.scores.subarray(0, ss.n)), Array.from(so.scores.subarray(0, so.n)));
  });

  test('a batch that does not follow on from the last one received fails its files instead of naming wrong identifiers', () => {
    const interner = new IdentInterner();
    const worker = { interner, sent: 0 };
    const one = (chunks: string[]): ChunkResult => ({ method: 'lines', chunks: chunks.map((_, i) => ({ startLine: i + 1, endLine: i + 1, tokens: 10 })), identifiers: identifiersOfChunks(chunks, interner) });
    encodeResults(1, [one(files[0]!)], worker); // sent, but never received here
    const b = encodeResults(2, [one(files[1]!), one(files[2]!)], worker).batch;
    const back = decodeResults(b, 2, {});
    assert.equal(back.length, 2);
    for (const r of back) assert.match(String(r), /identifiers out of step/);
  });

  test("the parse worker's batches share one table: the second batch sends none of the first's identifiers again", async () => {
    const req = (text: string) => ({ text, language: 'typescript', grammar: 'typescript', chunkTokens: 200, parseBudgetMs: 60_000, withIdentifiers: true });
    const texts = ['export function loadSettings(path: string) { return readSettings(path); }\n', 'import { loadSettings } from "./settings";\nloadSettings(process.argv[2]);\n'];
    const a = (await chunkBatch(encodeRequests(1, [req(texts[0]!)]))).batch;
    const b = (await chunkBatch(encodeRequests(2, [req(texts[1]!)]))).batch;
    assert.ok(a.idents.includes('loadSettings'));
    assert.ok(!b.idents.includes('loadSettings'), 'sent once');
    assert.ok(b.idents.includes('argv'));
    const received: ReceivedIdents = {};
    const [ra] = decodeResults(a, 1, received) as ReceivedResult[];
    const [rb] = decodeResults(b, 1, received) as ReceivedResult[];
    for (const [r, text] of [[ra!, texts[0]!], [rb!, texts[1]!]] as const) {
      const own = identifiersOfChunks(specList(r.chunks).map((c) => text.split('\n').slice(c.startLine - 1, c.endLine).join('\n')));
      assert.deepEqual(occurrencesOf(r.identifiers!), occurrencesOf(own));
    }
  });

  test("past its cap the worker starts a new table between batches, and the main thread follows", async () => {
    const req = (text: string) => ({ text, language: 'typescript', grammar: 'typescript', chunkTokens: 200, parseBudgetMs: 60_000, withIdentifiers: true });
    const texts = ['const alphaOne = betaTwo + gammaThree;\n', 'const alphaOne = deltaFour;\n', 'export const epsilonFive = alphaOne;\n'];
    const received: ReceivedIdents = {};
    const batches = [];
    for (const [i, text] of texts.entries()) batches.push((await chunkBatch(encodeRequests(10 + i, [req(text)]), 2)).batch);
    // Each batch found the table past a cap of 2 and started a new one, sending all its identifiers.
    for (const b of batches) {
      assert.equal(b.identsFrom, 0);
      assert.ok(b.idents.includes('alphaOne'));
    }
    batches.forEach((b, i) => {
      const [r] = decodeResults(b, 1, received) as ChunkResult[];
      assert.deepEqual(occurrencesOf(r!.identifiers!), occurrencesOf(identifiersOfChunks([texts[i]!.trimEnd()])), `batch ${i}`);
    });
  });
});

describe('parse wire: chunk specs', () => {
  test('symbols and names come back as they went, and a symbol that is its chunk\'s first name travels once', () => {
    const chunks = [
      { startLine: 1, endLine: 4, tokens: 30, symbol: 'Widget', names: ['Widget', 'Widget.render', 'Widget.props'] },
      { startLine: 5, endLine: 9, tokens: 40, symbol: 'Widget', names: ['Widget.update'] }, // a class's later members
      { startLine: 10, endLine: 12, tokens: 12, symbol: 'helpers' }, // a symbol and no names
      { startLine: 13, endLine: 14, tokens: 8, names: [] },
      { startLine: 15, endLine: 20, tokens: 50 },
    ];
    const { batch } = encodeResults(3, [{ method: 'syntax', chunks }]);
    assert.deepEqual(batch.strings, ['Widget', 'Widget.render', 'Widget.props', 'Widget', 'Widget.update', 'helpers']);
    const [back] = decodeResults(batch, 1) as ChunkResult[];
    assert.deepEqual(specList(back!.chunks), chunks);
    assert.equal(back!.method, 'syntax');
  });

  test("a batch's specs stay in its columns until asked for, several results to one frame; a name with a NUL and a document's places come back as objects", () => {
    const a = [{ startLine: 1, endLine: 3, tokens: 20, symbol: 'load', names: ['load', 'load.inner'] }, { startLine: 4, endLine: 4, tokens: 2 }];
    const b = [{ startLine: 1, endLine: 9, tokens: 70, symbol: 'Config', names: ['Config'] }];
    const withNul = [{ startLine: 1, endLine: 2, tokens: 5, symbol: 'odd\0name', names: ['odd\0name'] }];
    const doc = [{ startLine: 1, endLine: 5, tokens: 40, page: 2, pages: 3, lineOffset: 10 }];
    const { batch } = encodeResults(4, [
      { method: 'syntax', chunks: a },
      { method: 'syntax', chunks: b },
      { method: 'syntax', chunks: withNul },
      { method: 'pdf', chunks: doc, text: 'page text' },
      { method: 'lines', chunks: [] },
    ]);
    const back = decodeResults(batch, 5) as Exclude<ReturnType<typeof decodeResults>[number], Error>[];
    assert.ok(back[0]!.chunks instanceof StoredSpecs && back[1]!.chunks instanceof StoredSpecs && back[4]!.chunks instanceof StoredSpecs);
    assert.deepEqual(specList(back[0]!.chunks), a);
    assert.deepEqual(specList(back[1]!.chunks), b);
    assert.deepEqual(specList(back[4]!.chunks), []);
    assert.ok(Array.isArray(back[2]!.chunks) && Array.isArray(back[3]!.chunks));
    assert.deepEqual(back[2]!.chunks, withNul);
    assert.deepEqual(back[3]!.chunks, doc);
    assert.equal(back[3]!.text, 'page text');
    assert.equal((back[0]!.chunks as StoredSpecs).count, 2);
    assert.equal((back[0]!.chunks as StoredSpecs).lastLine, 4);
  });
});
