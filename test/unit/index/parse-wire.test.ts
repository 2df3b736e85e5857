import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResults, encodeResults } from '../../../src/core/index/parse-wire';
import { IdentInterner, identifiersOfChunks, type ChunkIdentifiers } from '../../../src/core/index/terms';
import { LexicalIndex } from '../../../src/core/index/lexical';
import type { ChunkResult } from '../../../src/core/index/chunker';

const files = [
  ['export function parseConfig(path) { return readConfig(path); }', 'const retryPolicy = { attempts: 3 };'],
  ['import { parseConfig } from "./config";', 'parseConfig(process.argv[2]); retryPolicy.attempts++;'],
  ['nothing shared here: zebraQuokka'],
];

/** Each chunk's identifiers, in occurrence order, as plain strings. */
function occurrencesOf(ci: ChunkIdentifiers): string[][] {
  const distinct = ci.refs ? Array.from(ci.refs, (k) => ci.table.idents[k]!) : ci.table.idents;
  const out: string[][] = [];
  for (let c = 0; c + 1 < ci.offsets.length; c++) out.push(Array.from(ci.occurrences.subarray(ci.offsets[c]!, ci.offsets[c + 1]!), (k) => distinct[k]!));
  return out;
}

describe('parse wire: identifiers travel once per batch', () => {
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
    const { batch } = encodeResults(3, results, interner.table);
    assert.equal(new Set(batch.idents).size, batch.idents.length, 'each identifier once');
    const back = decodeResults(batch, results.length) as ChunkResult[];
    results.forEach((r, i) => assert.deepEqual(occurrencesOf(back[i]!.identifiers!), occurrencesOf((r as ChunkResult).identifiers!), `file ${i}`));
  });
});
