// PDF and notebook citations in the panel read by page or cell, in the jobs list and the answer.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { citationText } from '../../../src/shared/run/format';

let dom: JSDOM;
before(() => {
  dom = new JSDOM('<!DOCTYPE html><body></body>');
  Object.assign(globalThis, { document: dom.window.document, HTMLElement: dom.window.HTMLElement });
});

describe('document citations', () => {
  test('a PDF citation reads "path p. N", a notebook one "path#cell=N:line", code as before', () => {
    assert.equal(citationText({ path: 'docs/report.pdf', startLine: 120, endLine: 124, page: 37, lineOffset: 110 }), 'docs/report.pdf p. 37');
    assert.equal(citationText({ path: 'nb.ipynb', startLine: 14, endLine: 15, cell: 3, lineOffset: 11 }), 'nb.ipynb#cell=3:3');
    assert.equal(citationText({ path: 'nb.ipynb', startLine: 11, endLine: 11, cell: 3, lineOffset: 11 }), 'nb.ipynb#cell=3:1', 'the cell header counts as its first line');
    assert.equal(citationText({ path: 'src/a.ts', startLine: 3, endLine: 9 }), 'src/a.ts:3-9');
  });

  test('the answer relabels the cited lines of a PDF with its page; the link still opens the lines', async () => {
    const { AnswerView } = await import('../../../src/webview/views/answer');
    const { createAnswerRenderer, citationOf } = await import('../../../src/webview/markdown');
    const view = new AnswerView(createAnswerRenderer(dom.window as unknown as Window));
    const markdown = 'Revenue was 4,812 (docs/report.pdf:120-124), set in src/a.ts:3.';
    view.update({ answer: { markdown, citations: [{ path: 'docs/report.pdf', startLine: 120, endLine: 124, page: 37, lineOffset: 110 }, { path: 'src/a.ts', startLine: 3, endLine: 3 }] } } as never);
    const links = [...view.el.querySelectorAll('a.cite')];
    assert.deepEqual(links.map((a) => a.textContent), ['docs/report.pdf p. 37', 'src/a.ts:3']);
    assert.deepEqual(citationOf(links[0]!), { path: 'docs/report.pdf', startLine: 120, endLine: 124 });
  });
});
