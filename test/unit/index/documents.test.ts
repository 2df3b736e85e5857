// Documents as well as code: real PDFs (written by pdf-lib in the test), real notebooks, and
// reStructuredText / AsciiDoc / Org / plain text with headings, through the real index.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { extractPdf, pdfExtractionTotals } from '../../../src/core/index/extract-pdf';
import { chunkSections } from '../../../src/core/index/chunk-sections';
import { chunkNotebook } from '../../../src/core/index/chunk-notebook';
import { splitLines } from '../../../src/core/index/text';
import { brokenPdf, encryptedPdf, imageOnlyPdf, notebookJson, tablePdf, textPdf, twoColumnPdf } from '../../support/make-docs';
import { makeWorkspace, removeWorkspace } from './workspace';

const made: string[] = [];
after(() => made.forEach(removeWorkspace));

const REPORT = [
  ['Annual Report 2024', 'Acme Widgets Incorporated', 'This report covers the fiscal year.'],
  ['Financial Highlights', 'Total revenue for fiscal 2024 was 4,812 million dollars,', 'up from 4,100 million in 2023. The operat-', 'ing margin improved to 17 percent.'],
  ['Outlook', 'We expect steady growth in the widget market next year.'],
];
const LEFT = Array.from({ length: 8 }, (_, i) => `Left column sentence number ${i + 1} about apples`);
const RIGHT = Array.from({ length: 8 }, (_, i) => `Right column sentence number ${i + 1} about pears`);
const TABLE = [['Quarter', 'Revenue', 'Margin'], ['Q1', '1,200', '12%'], ['Q2', '1,350', '14%'], ['Q3', '1,410', '15%']];

describe('PDF text extraction', () => {
  const limits = { maxPages: 100, budgetMs: 30_000 };

  test('text per page in order, line breaks kept, hyphenation joined', async () => {
    const pdf = await extractPdf(await textPdf(REPORT), limits);
    assert.equal(pdf.pageCount, 3);
    assert.equal(pdf.pages.length, 3);
    assert.deepEqual(splitLines(pdf.pages[0]!), REPORT[0]);
    assert.match(pdf.pages[1]!, /^Financial Highlights\nTotal revenue for fiscal 2024 was 4,812 million dollars,\nup from 4,100 million in 2023\. The operating\nmargin improved to 17 percent\.$/);
    assert.equal(pdf.partial, undefined);
  });

  test('a two-column page is read column by column, not across', async () => {
    const [page] = (await extractPdf(await twoColumnPdf(LEFT, RIGHT), limits)).pages;
    const lines = splitLines(page!).filter((l) => l.trim());
    assert.equal(lines[0], 'Two Column Study');
    assert.deepEqual(lines.slice(1, 9), LEFT, 'the whole left column first');
    assert.deepEqual(lines.slice(9, 17), RIGHT, 'then the right column');
  });

  test('a table comes out as rows of tab-separated cells, even when drawn column by column', async () => {
    const [page] = (await extractPdf(await tablePdf('Quarterly results', TABLE), limits)).pages;
    const rows = splitLines(page!).filter((l) => l.includes('\t'));
    assert.deepEqual(rows.map((r) => r.split('\t')), TABLE);
  });

  test('encrypted, broken and image-only PDFs are refused with a reason and a hint, not a crash', async () => {
    for (const [make, reason] of [[encryptedPdf, /^encrypted PDF/], [async () => brokenPdf(), /^broken PDF/], [imageOnlyPdf, /^image-only PDF: no text layer$/]] as const) {
      await assert.rejects(extractPdf(await make(), limits), (err: { reason?: string; hint?: string }) => reason.test(err.reason ?? '') && (err.hint ?? '').length > 10);
    }
  });

  test('the page cap and the time budget leave the rest out and say so', async () => {
    const capped = await extractPdf(await textPdf(REPORT), { maxPages: 2, budgetMs: 30_000 });
    assert.equal(capped.pages.length, 2);
    assert.equal(capped.partial?.reason, 'pages 3-3 left out: page cap of 2 reached');
    assert.match(capped.partial?.hint ?? '', /minions\.index\.pdf\.maxPages/);
    // A large document with a budget far below what all its pages take.
    const huge = await textPdf(Array.from({ length: 1500 }, (_, i) => [`Page ${i + 1} of the huge manual`, 'Lorem ipsum dolor sit amet '.repeat(4)]));
    const timed = await extractPdf(huge, { maxPages: 100_000, budgetMs: 150 });
    assert.equal(timed.pageCount, 1500);
    assert.ok(timed.pages.length < 1500, `read ${timed.pages.length} pages`);
    assert.match(timed.partial?.reason ?? '', new RegExp(`^pages ${timed.pages.length + 1}-1500 left out: time budget of 150 ms spent$`));
    timed.pages.forEach((p, i) => assert.match(p, new RegExp(`^Page ${i + 1} of the huge manual`)));
  });
});

describe('sections of reStructuredText, AsciiDoc, Org and plain text', () => {
  const symbols = (text: string, format: Parameters<typeof chunkSections>[1]) => [...new Set(chunkSections(splitLines(text), format, 20).map((c) => c.symbol))];
  const body = 'word '.repeat(60);
  test('reStructuredText: underlined (and overlined) titles, levels by first use', () => {
    assert.deepEqual(symbols(`=====\nGuide\n=====\n${body}\nInstall\n-------\n${body}\nFrom source\n~~~~~~~~~~~\n${body}\nUsage\n-----\n${body}\n`, 'restructuredtext'),
      ['Guide', 'Guide > Install', 'Guide > Install > From source', 'Guide > Usage']);
  });
  test('AsciiDoc, Org and plain text', () => {
    assert.deepEqual(symbols(`= Manual\n${body}\n== Setup\n${body}\n----\n== not a heading inside a block\n----\n=== Ports\n${body}\n`, 'asciidoc'), ['Manual', 'Manual > Setup', 'Manual > Setup > Ports']);
    assert.deepEqual(symbols(`* Tasks\n${body}\n** Today\n${body}\n* Notes\n${body}\n`, 'org'), ['Tasks', 'Tasks > Today', 'Notes']);
    assert.deepEqual(symbols(`Release notes\n=============\n${body}\nFixes\n-----\n${body}\n`, 'plaintext'), ['Release notes', 'Release notes > Fixes']);
  });
});

describe('documents in the index', () => {
  let ws: string;
  let cache: string;
  let index: WorkspaceIndex;
  before(async () => {
    ws = makeWorkspace({
      'docs/report.pdf': await textPdf(REPORT),
      'docs/columns.pdf': await twoColumnPdf(LEFT, RIGHT),
      'docs/table.pdf': await tablePdf('Quarterly results', TABLE),
      'docs/locked.pdf': await encryptedPdf(),
      'docs/broken.pdf': brokenPdf(),
      'docs/scan.pdf': await imageOnlyPdf(),
      'analysis.ipynb': notebookJson(),
      'guide.rst': 'Guide\n=====\nRead this first.\n\nInstall\n-------\nRun the installer.\n',
      'manual.adoc': '= Manual\nIntro.\n\n== Setup\nConnect the widget.\n',
      'notes.org': '* Tasks\nWrite the report.\n',
    });
    cache = mkdtempSync(join(tmpdir(), 'minions-docs-cache-'));
    made.push(ws, cache);
    index = await openIndex({ roots: [ws], cacheDir: cache, workers: 0, chunkTokens: 64 });
  });
  after(() => index?.dispose());

  test('a question about a number in the report finds its page, and the chunk knows page and count', () => {
    const [hit] = index.search('total revenue fiscal 2024', { top: 1 });
    assert.equal(hit!.chunk.path, 'docs/report.pdf');
    assert.equal(hit!.chunk.page, 2);
    assert.equal(hit!.chunk.pages, 3);
    assert.match(hit!.chunk.text, /4,812 million/);
    assert.equal(hit!.chunk.language, 'pdf');
  });

  test('PDF chunks never cross a page and say where their page starts', async () => {
    const pages = (await extractPdf(await textPdf(REPORT), { maxPages: 10, budgetMs: 30_000 })).pages;
    const chunks = index.chunksOf('docs/report.pdf');
    assert.ok(chunks.length >= 3);
    for (const c of chunks) {
      assert.ok(c.page && c.page >= 1 && c.page <= 3);
      assert.ok(pages[c.page - 1]!.includes(c.text), `chunk ${c.id} lies within page ${c.page}`);
      assert.ok(c.lineOffset !== undefined && c.startLine > c.lineOffset);
    }
    const firstOf = (page: number) => chunks.find((c) => c.page === page)!;
    assert.equal(firstOf(2).startLine - firstOf(2).lineOffset!, 1, 'a page starts at its own line 1');
    assert.match(firstOf(3).text, /^Outlook/);
  });

  test('encrypted, broken and image-only PDFs are in the skip list with reason and hint', () => {
    const notes = index.documentNotes();
    const by = (p: string) => notes.find((n) => n.path === p);
    assert.match(by('docs/locked.pdf')!.reason, /^encrypted PDF/);
    assert.match(by('docs/broken.pdf')!.reason, /^broken PDF/);
    assert.equal(by('docs/scan.pdf')!.reason, 'image-only PDF: no text layer');
    for (const n of notes) assert.ok(n.hint.length > 10 && !n.partial);
    assert.equal(index.chunksOf('docs/scan.pdf').length, 0);
  });

  test('a notebook is indexed as cells: language, short outputs, no JSON keys or base64', () => {
    const chunks = index.chunksOf('analysis.ipynb');
    assert.deepEqual([...new Set(chunks.map((c) => c.cell))], [1, 2, 3, 4]);
    const all = chunks.map((c) => c.text).join('\n');
    assert.doesNotMatch(all, /cell_type|execution_count|"metadata"|image\/png|iVBOR|nbformat/);
    const code = chunks.find((c) => c.cell === 2)!;
    assert.match(code.text, /^# \[cell 2\] code \(python\)\nimport pandas as pd\n/);
    assert.match(code.text, /# \[output\]\n0\.0731/);
    assert.equal(code.startLine - code.lineOffset!, 0, 'the header is line 0 of the cell; its source starts at line 1');
    assert.match(chunks.find((c) => c.cell === 3)!.text, /<Figure size 640x480 with 1 Axes>\n\(image output not shown\)/);
    const [hit] = index.search('churn rate subscribers', { top: 1, globs: ['*.ipynb'] });
    assert.ok(hit!.chunk.cell === 1 || hit!.chunk.cell === 2);
  });

  test('rst, AsciiDoc and Org files carry their heading path as the symbol', () => {
    assert.equal(index.chunksOf('guide.rst')[0]!.symbol, 'Guide');
    assert.equal(index.chunksOf('manual.adoc')[0]!.symbol, 'Manual');
    assert.equal(index.chunksOf('notes.org')[0]!.symbol, 'Tasks');
  });

  test('a reopen takes the PDF text and the skip list from the cache: nothing is extracted again', async () => {
    await index.dispose();
    const before = pdfExtractionTotals.files;
    index = await openIndex({ roots: [ws], cacheDir: cache, workers: 0, chunkTokens: 64 });
    assert.equal(pdfExtractionTotals.files, before, 'no PDF was extracted on reopen');
    assert.equal(index.search('total revenue fiscal 2024', { top: 1 })[0]!.chunk.page, 2);
    assert.equal(index.documentNotes().length, 3);
  });
});

describe('PDFs in the parse workers', () => {
  test('extraction runs in a worker thread and gives the same chunks', async () => {
    const ws = makeWorkspace({ 'report.pdf': await textPdf(REPORT) });
    made.push(ws);
    const before = pdfExtractionTotals.files;
    const index = await openIndex({ roots: [ws], workers: 1, chunkTokens: 64 });
    try {
      assert.equal(pdfExtractionTotals.files, before, 'not extracted on this thread');
      const [hit] = index.search('operating margin', { top: 1 });
      assert.equal(hit!.chunk.page, 2);
      assert.match(hit!.chunk.text, /The operating\nmargin improved/);
    } finally {
      await index.dispose();
    }
  });
});

describe('documents read in part or not at all', () => {
  test('a PDF over the page cap is indexed up to it and listed as read in part; a damaged notebook is left out', async () => {
    const ws = makeWorkspace({ 'long.pdf': await textPdf(REPORT), 'bad.ipynb': '{"cells": [', 'ok.ts': 'export const x = 1;\n' });
    made.push(ws);
    const index = await openIndex({ roots: [ws], workers: 0, pdfLimits: { maxPages: 1, budgetMs: 30_000 } });
    try {
      assert.deepEqual([...new Set(index.chunksOf('long.pdf').map((c) => c.page))], [1]);
      assert.equal(index.chunksOf('long.pdf')[0]!.pages, 3);
      const notes = index.documentNotes();
      assert.deepEqual(notes.map((n) => [n.path, n.partial]), [['bad.ipynb', false], ['long.pdf', true]]);
      assert.match(notes[0]!.reason, /^not valid notebook JSON/);
      assert.equal(notes[1]!.reason, 'pages 2-3 left out: page cap of 1 reached');
      assert.equal(index.chunksOf('ok.ts').length, 1, 'the rest of the workspace is indexed');
    } finally {
      await index.dispose();
    }
  });
});

describe('notebook cells', () => {
  test('a long cell is split into several chunks of that cell; a short one stays one chunk', () => {
    const long = Array.from({ length: 200 }, (_, i) => `total_${i} = compute_metric(frame, column_${i})\n`);
    const nb = JSON.stringify({ cells: [{ cell_type: 'code', source: long, outputs: [] }, { cell_type: 'markdown', source: 'Short note.' }], metadata: { language_info: { name: 'julia' } } });
    const { text, specs } = chunkNotebook(nb, 64);
    const first = specs.filter((s) => s.cell === 1);
    assert.ok(first.length > 3, `${first.length} chunks`);
    assert.deepEqual(specs.filter((s) => s.cell === 2).length, 1);
    assert.match(text, /^# \[cell 1\] code \(julia\)\ntotal_0 = /);
    const lines = splitLines(text);
    assert.equal(lines[first.at(-1)!.endLine - 1], 'total_199 = compute_metric(frame, column_199)', 'the cell is covered to its last line');
  });
});
