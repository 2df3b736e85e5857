// npm run bench:index, documents part — PDF text extraction speed and its share of a cold index.
//   Corpus (generated here, so every run reads the same): PDFs of report-like pages (40 lines of
//   prose and a table each) written by pdf-lib, Jupyter notebooks, and this repository's own
//   src/ and test/ as the code beside them.
//   Figures: extraction alone (pages/s on one thread, pdf.js loaded first), then cold indexes of
//   the code alone and code + documents, inline (one thread: extraction's share of the work)
//   and with the default parse workers (its share of the wall clock).
//   Options: --pdfs N (default 12), --pages N per PDF (default 40).
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex } from '../../src/core/index/index';
import { extractPdf, pdfExtractionTotals } from '../../src/core/index/extract-pdf';
import { notebookJson, textPdf } from '../../test/support/make-docs';

const ROOT = join(__dirname, '../..');
const args = process.argv.slice(2);
const num = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const PDFS = num('--pdfs', 12);
const PAGES = num('--pages', 40);
const f1 = (n: number) => n.toFixed(1);

const WORDS = 'revenue margin quarter growth widget plant supply demand forecast capital expense segment region customer contract'.split(' ');
function pageLines(doc: number, page: number): string[] {
  const lines = [`Report ${doc} - Section ${page}`];
  for (let i = 0; i < 32; i++) lines.push(Array.from({ length: 11 }, (_, w) => WORDS[(doc * 7 + page * 3 + i * 5 + w) % WORDS.length]).join(' ') + '.');
  lines.push('Quarter      Revenue      Margin');
  for (let q = 1; q <= 4; q++) lines.push(`Q${q}      ${1000 + doc * 10 + page + q}      ${10 + q}%`);
  return lines;
}

async function main(): Promise<void> {
  console.log(`bench:index documents  node ${process.version}  ${cpus().length} cores  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const work = mkdtempSync(join(tmpdir(), 'minions-bench-docs-'));
  try {
    const code = join(work, 'code');
    const mixed = join(work, 'mixed');
    for (const dir of [code, mixed]) {
      cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
      cpSync(join(ROOT, 'test/unit'), join(dir, 'test/unit'), { recursive: true });
    }
    mkdirSync(join(mixed, 'docs'));
    const pdfs: Uint8Array[] = [];
    for (let d = 0; d < PDFS; d++) {
      const bytes = await textPdf(Array.from({ length: PAGES }, (_, p) => pageLines(d, p + 1)));
      pdfs.push(bytes);
      writeFileSync(join(mixed, 'docs', `report-${d}.pdf`), bytes);
      writeFileSync(join(mixed, 'docs', `analysis-${d}.ipynb`), notebookJson());
    }
    const totalPages = PDFS * PAGES;
    console.log(`corpus: ${PDFS} PDFs x ${PAGES} pages = ${totalPages} pages (${f1(pdfs.reduce((n, b) => n + b.length, 0) / 1e6)} MB), ${PDFS} notebooks, beside this repository's src/ and test/unit/`);

    const limits = { maxPages: 100_000, budgetMs: 600_000 };
    const loadStarted = performance.now();
    await extractPdf(pdfs[0]!, limits); // loads pdf.js: once per thread, not per file
    console.log(`pdf.js load:  ${f1((performance.now() - loadStarted) / 1000)} s (once per thread, with its first PDF)`);
    const started = performance.now();
    for (const b of pdfs) await extractPdf(b, limits);
    const extractMs = performance.now() - started;
    console.log(`extraction:   ${Math.round(totalPages / (extractMs / 1000))} pages/s on one thread (${f1(extractMs / 1000)} s for ${totalPages} pages; pdf.js load excluded)`);

    const cold = async (root: string, workers: number | undefined) => {
      const before = pdfExtractionTotals.ms;
      const t = performance.now();
      const index = await openIndex({ roots: [root], ...(workers === undefined ? {} : { workers }) });
      const ms = performance.now() - t;
      const stats = index.stats;
      await index.dispose();
      return { ms, files: stats.files, chunks: stats.chunks, extractMs: pdfExtractionTotals.ms - before };
    };
    await cold(code, 0); // warm-up: grammars loaded, files in the page cache
    const codeInline = await cold(code, 0);
    const mixedInline = await cold(mixed, 0);
    console.log(`cold, inline: code ${f1(codeInline.ms / 1000)} s (${codeInline.files} files); code + documents ${f1(mixedInline.ms / 1000)} s (${mixedInline.files} files, ${mixedInline.chunks} chunks)`);
    console.log(`              PDF extraction ${f1(mixedInline.extractMs / 1000)} s = ${f1((100 * mixedInline.extractMs) / mixedInline.ms)}% of the cold index's work`);
    const codeWorkers = await cold(code, undefined);
    const mixedWorkers = await cold(mixed, undefined);
    const share = (mixedWorkers.ms - codeWorkers.ms) / mixedWorkers.ms;
    console.log(`cold, parse workers: code ${f1(codeWorkers.ms / 1000)} s; code + documents ${f1(mixedWorkers.ms / 1000)} s: documents add ${f1(100 * share)}% of the wall clock (${Math.round(totalPages / ((mixedWorkers.ms - codeWorkers.ms) / 1000))} pages/s in the index, pdf.js load per worker included)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
