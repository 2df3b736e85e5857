// PDF text extraction with pdf.js (Mozilla's reader: well kept, pure JavaScript, reads PDFs in
// Node without a browser or native parts). Runs in a parse worker, page by page within a page
// cap and a time budget; a PDF without text says why (encrypted, broken, image-only).
import { pageText, type TextRun } from './pdf-layout';
import { loadPdfJs } from './pdfjs-load';

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
  /** Why pages were left out, when some were, and what to do. */
  partial?: { reason: string; hint: string };
  ms: number;
}

/** A PDF that yields no text: the reason and what the user can do. */
export class PdfUnreadable extends Error {
  /** `transient`: the file itself may be fine (the reader failed to load); try it again next time. */
  constructor(readonly reason: string, readonly hint: string, readonly transient = false) {
    super(reason);
  }
}

/** Totals for this thread, read by the index benchmark (extraction speed). */
export const pdfExtractionTotals = { files: 0, pages: 0, ms: 0 };

export async function extractPdf(bytes: Uint8Array, limits: PdfLimits): Promise<ExtractedPdf> {
  let pdfjs: Awaited<ReturnType<typeof loadPdfJs>>;
  try {
    pdfjs = await loadPdfJs();
  } catch (err) {
    throw new PdfUnreadable(`PDF reader unavailable: ${err instanceof Error ? err.message : String(err)}`, 'Reinstall the extension (its dist/pdfjs folder is missing or damaged)', true);
  }
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
    let partial: { reason: string; hint: string } | undefined;
    const raise = 'Raise minions.index.pdf.maxPages or minions.index.pdf.timeBudgetMs to index the rest';
    const brokenPages: number[] = [];
    for (let n = 1; n <= pageCount; n++) {
      if (n > limits.maxPages) {
        partial = { reason: `pages ${n}-${pageCount} left out: page cap of ${limits.maxPages} reached`, hint: raise };
        break;
      }
      if (performance.now() > deadline) {
        partial = { reason: `pages ${n}-${pageCount} left out: time budget of ${limits.budgetMs} ms spent`, hint: raise };
        break;
      }
      try {
        pages.push(await readPage(doc, n));
      } catch {
        // A damaged page is an empty page; the others are still read.
        pages.push('');
        brokenPages.push(n);
      }
    }
    if (brokenPages.length === pageCount && pageCount > 0)
      throw new PdfUnreadable(`broken PDF: no page could be read`, 'The file is damaged; re-export or repair it (e.g. qpdf) to have it indexed');
    if (brokenPages.length && !partial)
      partial = {
        reason: `page${brokenPages.length > 1 ? 's' : ''} ${brokenPages.slice(0, 5).join(', ')}${brokenPages.length > 5 ? ', ...' : ''} could not be read`,
        hint: 'The file is partly damaged; re-export or repair it (e.g. qpdf) to have every page indexed',
      };
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

type PdfDocument = Awaited<ReturnType<Awaited<ReturnType<typeof loadPdfJs>>['getDocument']>['promise']>;

async function readPage(doc: PdfDocument, n: number): Promise<string> {
  const page = await doc.getPage(n);
  const content = await page.getTextContent();
  const runs: TextRun[] = [];
  for (const item of content.items) {
    if (!('str' in item) || !item.str) continue;
    const t = item.transform as number[];
    runs.push({ str: item.str, x: t[4]!, y: t[5]!, width: item.width, size: Math.hypot(t[2]!, t[3]!) || item.height });
  }
  const [x0 = 0, , x1 = 0] = page.view;
  page.cleanup();
  return pageText(runs, x1 - x0);
}

function unreadable(err: unknown): PdfUnreadable {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'PasswordException')
    return new PdfUnreadable('encrypted PDF: it needs a password', 'Save a copy without a password (e.g. qpdf --decrypt) to have it indexed');
  const message = err instanceof Error ? err.message : String(err);
  return new PdfUnreadable(`broken PDF: ${message}`, 'The file is damaged or not a PDF; re-export or repair it (e.g. qpdf) to have it indexed');
}
