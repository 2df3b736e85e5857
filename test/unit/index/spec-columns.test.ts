import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkSpec } from '../../../src/core/index/chunk-types';
import { IndexedContent } from '../../../src/core/index/content';
import { SpecFrameWriter, StoredSpecs } from '../../../src/core/index/spec-columns';
import { CACHE_FORMAT, readSnapshot, writeSnapshot } from '../../../src/core/index/store';

const code: ChunkSpec[] = [
  { startLine: 1, endLine: 20, tokens: 180, symbol: 'Widget', names: ['Widget', 'Widget.render', 'Widget.props'] },
  { startLine: 21, endLine: 30, tokens: 90, symbol: 'Widget', names: ['Widget.update'] },
  { startLine: 31, endLine: 31, tokens: 4, symbol: '', names: [''] },
  { startLine: 32, endLine: 40, tokens: 60, symbol: 'Intro > Setup' },
  { startLine: 41, endLine: 44, tokens: 20, names: [] },
  { startLine: 45, endLine: 52, tokens: 70 },
];
const pdf: ChunkSpec[] = [{ startLine: 1, endLine: 9, tokens: 120, page: 3, pages: 1, lineOffset: 1 }];
const nul: ChunkSpec[] = [{ startLine: 1, endLine: 2, tokens: 5, symbol: 'a\0b', names: ['a\0b'] }];

describe('chunk specs in columns', () => {
  test('every combination of symbol and names comes back as it went; documents and NULs are refused', () => {
    const w = new SpecFrameWriter();
    assert.equal(w.add(code), true);
    assert.equal(w.add([]), true);
    assert.equal(w.add(pdf), false, 'page places stay objects');
    assert.equal(w.add(nul), false, 'a NUL would split a name');
    assert.equal(w.add(code.slice(3)), true);
    const frame = w.frame();
    const stored = [0, 1, 2, 3, 4].map((i) => new StoredSpecs(frame, i));
    assert.deepEqual(stored[0]!.decode(), code);
    assert.deepEqual(stored[1]!.decode(), []);
    assert.equal(stored[2]!.count, 0);
    assert.deepEqual(stored[4]!.decode(), code.slice(3));
    assert.deepEqual([stored[0]!.count, stored[0]!.lastLine, stored[1]!.lastLine, stored[4]!.lastLine], [6, 52, 0, 52]);
    // A save copies stored specs as they are.
    const again = new SpecFrameWriter();
    again.add(stored[4]!);
    again.add(stored[0]!);
    const copied = again.frame();
    assert.deepEqual(new StoredSpecs(copied, 0).decode(), code.slice(3));
    assert.deepEqual(new StoredSpecs(copied, 1).decode(), code);
  });

  test('a cache round trip keeps every content, decodes specs only when asked, and a second save of undecoded contents loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minions-specs-'));
    try {
      const contents = new Map<string, IndexedContent>([
        ['a'.repeat(40), new IndexedContent('a'.repeat(40), 'typescript', code, { text: 'x\n'.repeat(52) })],
        ['b'.repeat(40), new IndexedContent('b'.repeat(40), 'pdf', pdf, { text: 'page text' }, { reason: 'page cap', hint: 'raise it' }, true)],
        ['c'.repeat(40), new IndexedContent('c'.repeat(40), 'markdown', nul, { text: 'a\nb\n' })],
        ['d'.repeat(40), new IndexedContent('d'.repeat(40), 'typescript', [], { text: '' })],
      ]);
      const snap = { format: CACHE_FORMAT, key: 'k', files: [], contents };
      await writeSnapshot(dir, snap);
      const read = readSnapshot(dir, 'k')!;
      const a = read.contents.get('a'.repeat(40))!;
      assert.equal(a.specCount, 6);
      assert.equal(a.lastLine, 52);
      assert.ok(a.specsToStore instanceof StoredSpecs, 'not decoded by the count and last line');
      assert.equal(read.contents.get('d'.repeat(40))!.specCount, 0);
      // Saved again before any is decoded, then read back: all as they were.
      await writeSnapshot(dir, { ...snap, contents: read.contents });
      const twice = readSnapshot(dir, 'k')!;
      for (const [hash, c] of contents) {
        const back = twice.contents.get(hash)!;
        assert.deepEqual(back.specs, c.specs, hash);
        assert.equal(back.language, c.language);
        assert.equal(back.text, c.text);
        assert.deepEqual(back.note, c.note);
        assert.equal(back.derived, c.derived);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
