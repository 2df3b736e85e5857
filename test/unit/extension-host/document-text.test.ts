// The page text a PDF citation opens, rebuilt from the index's chunks of that page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openIndex } from '../../../src/core/index/index';
import { chunkAtLine, pageText } from '../../../src/extension/docs/document-text';
import { textPdf } from '../../support/make-docs';
import { makeWorkspace, removeWorkspace } from '../index/workspace';

let ws = '';
after(() => removeWorkspace(ws));

test('a page is rebuilt whole from its overlapping chunks, and a cited line maps into it', async () => {
  const page2 = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of the second page, with some words to fill it up.`);
  ws = makeWorkspace({ 'r.pdf': await textPdf([['Cover page'], page2]) });
  const index = await openIndex({ roots: [ws], workers: 0, chunkTokens: 64 });
  try {
    assert.ok(index.chunksOf('r.pdf').filter((c) => c.page === 2).length > 2, 'the page spans several chunks');
    const p = pageText(index, 'r.pdf', 2)!;
    assert.equal(p.text, page2.join('\n'));
    assert.equal(p.pages, 2);
    const line = p.lineOffset + 30;
    const chunk = chunkAtLine(index, 'r.pdf', line)!;
    assert.equal(chunk.page, 2);
    assert.equal(p.text.split('\n')[line - p.lineOffset - 1], 'Line 30 of the second page, with some words to fill it up.');
    assert.equal(pageText(index, 'r.pdf', 3), undefined);
  } finally {
    await index.dispose();
  }
});
