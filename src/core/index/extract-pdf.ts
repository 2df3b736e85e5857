// PDF text extraction with pdf.js (Mozilla's reader: well kept, pure JavaScript, reads PDFs in
// Node without a browser or native parts). Runs in a parse worker. pdf.js is loaded on the first
// PDF: from dist/pdfjs/ in the shipped bundles (esbuild.mjs copies its legacy Node build there),
// from node_modules when running from sources. Its own worker thread is not used: the module is
// handed to it directly, so the parse worker is the only thread that reads the PDF.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pageText, type TextRun } from './pdf-layout';

export interface PdfLimits {
  /** Pages read at most; the rest is left out with a note. */
  maxPages: number;
  /** Time budget for the whole file in ms; pages after it are left out with a note. */
  budgetMs: number;
}

export interface ExtractedPdf {
  /** Text of each page read, in order (page 1 first). */
  pages: string[];
  /** The document's page count (pages.length when nothing was left out). */
  pageCount: number;
  /** Why pages were left out, when some were. */
  partial?: string;
  ms: number;
}

/** A PDF that yields no text: the reason and what the user can do. */
export class PdfUnreadable extends Error {
  constructor(readonly reason: string, readonly hint: string) {
    super(reason);
  }
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loading: Promise<PdfJs> | undefined;

/** Runtime import that bundlers leave alone (they would turn it into a require of an ES module). */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

function pdfjsFile(name: string): string {
  const bundled = join(__dirname, 'pdfjs', name);
  if (existsSync(bundled)) return bundled;
  // (Built at run time so bundlers do not try to resolve it: the bundles use dist/pdfjs.)
  return require.resolve(['pdfjs-dist', 'legacy', 'build', name].join('/'));
}

function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const worker = (await importModule(pathToFileURL(pdfjsFile('pdf.worker.min.mjs')).href)) as { WorkerMessageHandler: unknown };
    // pdf.js runs its "worker" on this thread when it finds the module here.
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return (await importModule(pathToFileURL(pdfjsFile('pdf.min.mjs')).href)) as PdfJs;
  })();
  return loading;
}

/** Totals for this thread, read by the index benchmark (extraction speed). */
export const pdfExtractionTotals = { files: 0, pages: 0, ms: 0 };

export async function extractPdf(bytes: Uint8Array, limits: PdfLimits): Promise<ExtractedPdf> {
  const pdfjs = await loadPdfJs();
  // Loading pdf.js (once per thread) is not the file's time.
  const started = performance.now();
  const deadline = started + limits.budgetMs;
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of the buffer it is given; a copy keeps the caller's bytes intact.
    data: bytes.slice(),
    verbosity: 0,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw unreadable(err);
  }
  try {
    const pageCount = doc.numPages;
    const pages: string[] = [];
    let partial: string | undefined;
    for (let n = 1; n <= pageCount; n++) {
      if (n > limits.maxPages) {
        partial = `pages ${n}-${pageCount} left out: page cap of ${limits.maxPages} reached`;
        break;
      }
      if (performance.now() > deadline) {
        partial = `pages ${n}-${pageCount} left out: time budget of ${limits.budgetMs} ms spent`;
        break;
      }
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const runs: TextRun[] = [];
      for (const item of content.items) {
        if (!('str' in item) || !item.str) continue;
        const t = item.transform as number[];
        runs.push({ str: item.str, x: t[4]!, y: t[5]!, width: item.width, size: Math.hypot(t[2]!, t[3]!) || item.height });
      }
      const [x0 = 0, , x1 = 0] = page.view;
      pages.push(pageText(runs, x1 - x0));
      page.cleanup();
    }
    if (pages.every((p) => p.trim() === '') && (pages.length > 0 || pageCount === 0)) {
      throw new PdfUnreadable('image-only PDF: no text layer', 'Run it through OCR (e.g. ocrmypdf) to add a text layer, then it is indexed');
    }
    const ms = performance.now() - started;
    pdfExtractionTotals.files++;
    pdfExtractionTotals.pages += pages.length;
    pdfExtractionTotals.ms += ms;
    return { pages, pageCount, ...(partial ? { partial } : {}), ms };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

function unreadable(err: unknown): PdfUnreadable {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'PasswordException')
    return new PdfUnreadable('encrypted PDF: it needs a password', 'Save a copy without a password (e.g. qpdf --decrypt) to have it indexed');
  const message = err instanceof Error ? err.message : String(err);
  return new PdfUnreadable(`broken PDF: ${message}`, 'The file is damaged or not a PDF; re-export or repair it (e.g. qpdf) to have it indexed');
}
