// The measured half of the documents bench (see index-docs.ts), run bundled as the product
// ships: pdf.js loaded from ./pdfjs next to the bundle, the parse worker beside it.
//   node index-docs-run.js CODE_DIR MIXED_DIR PDF_DIR PAGES -> one JSON line of figures
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIndex } from '../../src/core/index/index';
import { extractPdf } from '../../src/core/index/extract-pdf';

async function main(): Promise<void> {
  const [code, mixed, pdfDir, pagesArg] = process.argv.slice(2) as [string, string, string, string];
  const pages = Number(pagesArg);
  const pdfs = readdirSync(pdfDir).filter((n) => n.endsWith('.pdf')).map((n) => new Uint8Array(readFileSync(join(pdfDir, n))));
  const limits = { maxPages: 100_000, budgetMs: 600_000 };
  const loadStarted = performance.now();
  await extractPdf(pdfs[0]!, limits); // loads pdf.js: once per thread, not per file
  const firstMs = performance.now() - loadStarted;
  const started = performance.now();
  for (const b of pdfs) await extractPdf(b, limits);
  const extractMs = performance.now() - started;
  const cold = async (root: string, workers: number | undefined) => {
    const t = performance.now();
    const index = await openIndex({ roots: [root], ...(workers === undefined ? {} : { workers }) });
    const ms = performance.now() - t;
    const stats = index.stats;
    await index.dispose();
    return { ms, files: stats.files, chunks: stats.chunks };
  };
  await cold(code, 0); // warm-up: grammars loaded, files in the page cache
  const codeInline = await cold(code, 0);
  const mixedInline = await cold(mixed, 0);
  const codeWorkers = await cold(code, undefined);
  const mixedWorkers = await cold(mixed, undefined);
  console.log(JSON.stringify({ pages, firstMs, extractMs, codeInline, mixedInline, codeWorkers, mixedWorkers }));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
