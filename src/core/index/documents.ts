// Documents whose indexed text is derived from the file rather than being the file: PDFs (text
// per page, extracted in the parse worker) and Jupyter notebooks (cells). Also the notes the
// index keeps about them: a document left out (encrypted, broken, image-only) or read in part
// (page cap, time budget), each with a reason and a hint, for the index's skip list.
import { chunkNotebook, NotebookUnreadable } from './chunk-notebook';
import { chunkPdfPages } from './chunk-pdf';
import type { ChunkSpec } from './chunk-types';
import { extractPdf, PdfUnreadable, type PdfLimits } from './extract-pdf';

export type DocumentKind = 'pdf' | 'notebook';

export function documentKindOf(path: string): DocumentKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.pdf')) return 'pdf';
  if (lower.endsWith('.ipynb')) return 'notebook';
  return undefined;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = { maxPages: 500, budgetMs: 20_000 };
/** PDFs are often larger than source files; they may be this large whatever maxFileBytes says. */
export const PDF_MAX_BYTES = 64 * 1024 * 1024;

export function maxBytesFor(path: string, maxFileBytes: number): number {
  return documentKindOf(path) === 'pdf' ? Math.max(maxFileBytes, PDF_MAX_BYTES) : maxFileBytes;
}

/** A document left out, or read only in part, and why (never its content). */
export interface DocumentNote {
  readonly path: string;
  /** e.g. "encrypted PDF: it needs a password", "pages 501-900 left out: page cap of 500 reached". */
  readonly reason: string;
  readonly hint: string;
  /** True when the rest of the document is indexed. */
  readonly partial: boolean;
}

export type DocumentOutcome =
  | { kind: 'indexed'; text: string; specs: ChunkSpec[]; partial?: { reason: string; hint: string } }
  | { kind: 'unreadable'; reason: string; hint: string; transient?: boolean };

export async function chunkDocument(
  kind: DocumentKind,
  input: { text: string; bytes?: Uint8Array; chunkTokens: number; pdfLimits?: PdfLimits },
): Promise<DocumentOutcome> {
  try {
    if (kind === 'notebook') return { kind: 'indexed', ...chunkNotebook(input.text, input.chunkTokens) };
    const pdf = await extractPdf(input.bytes ?? new Uint8Array(), input.pdfLimits ?? DEFAULT_PDF_LIMITS);
    const out = chunkPdfPages(pdf.pages, pdf.pageCount, input.chunkTokens);
    return pdf.partial
      ? { kind: 'indexed', ...out, partial: pdf.partial }
      : { kind: 'indexed', ...out };
  } catch (err) {
    if (err instanceof PdfUnreadable) return { kind: 'unreadable', reason: err.reason, hint: err.hint, ...(err.transient ? { transient: true } : {}) };
    if (err instanceof NotebookUnreadable) return { kind: 'unreadable', reason: err.message, hint: 'Open it in Jupyter or VS Code and save it again to repair it' };
    // Whatever else a damaged document makes the reader do, it costs this file, not the index.
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'unreadable', reason: `${kind === 'pdf' ? 'PDF' : 'notebook'} could not be read: ${message}`, hint: 'Re-export or repair the file to have it indexed' };
  }
}
