// Real documents for the document-indexing tests, written here rather than kept as binary
// fixtures: PDFs with known text on known pages (pdf-lib writes them), a two-column page, a
// table, an encrypted, a broken and an image-only PDF, and Jupyter notebooks with code,
// markdown, outputs and a base64 image.
import { PDFDocument, PDFName, PDFHexString, PDFNumber, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

const SIZE = 11;
const LEADING = 14;

function writeLines(page: PDFPage, font: PDFFont, lines: readonly string[], x = 56, top = 760): void {
  lines.forEach((line, i) => page.drawText(line, { x, y: top - i * LEADING, size: SIZE, font }));
}

/** One page per entry, each line drawn top to bottom. */
export async function textPdf(pages: readonly (readonly string[])[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) writeLines(doc.addPage([612, 792]), font, lines);
  return doc.save();
}

/**
 * A page of two text columns whose lines are drawn interleaved (left 1, right 1, left 2, ...),
 * so only a reader that finds the columns reads the left one whole before the right one.
 */
export async function twoColumnPdf(left: readonly string[], right: readonly string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText('Two Column Study', { x: 230, y: 770, size: 14, font });
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i]) page.drawText(left[i]!, { x: 50, y: 730 - i * LEADING, size: SIZE, font });
    if (right[i]) page.drawText(right[i]!, { x: 320, y: 730 - i * LEADING, size: SIZE, font });
  }
  return doc.save();
}

/** A page with a heading and a table whose cells are drawn column by column (the worst order). */
export async function tablePdf(heading: string, rows: readonly (readonly string[])[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText(heading, { x: 56, y: 760, size: SIZE, font });
  const columns = rows[0]!.length;
  for (let c = 0; c < columns; c++)
    rows.forEach((row, r) => page.drawText(row[c]!, { x: 56 + c * 150, y: 730 - r * LEADING, size: SIZE, font }));
  return doc.save();
}

/** A page with only a picture on it: no text layer. */
export async function imageOnlyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const png = await doc.embedPng(TINY_PNG);
  doc.addPage([612, 792]).drawImage(png, { x: 100, y: 300, width: 400, height: 400 });
  return doc.save();
}

/**
 * A PDF protected by a user password (standard security handler, revision 2): the trailer's
 * /Encrypt dictionary holds an /O and /U computed for a password nobody gave the reader.
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  writeLines(doc.addPage([612, 792]), font, ['Confidential figures']);
  const { createHash, randomBytes } = await import('node:crypto');
  const id = randomBytes(16);
  const pad = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');
  const padded = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), pad]).subarray(0, 32);
  const owner = rc4(createHash('md5').update(padded('owner-secret')).digest().subarray(0, 5), padded('user-secret'));
  const p = -44;
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  const key = createHash('md5').update(Buffer.concat([padded('user-secret'), owner, pBytes, id])).digest().subarray(0, 5);
  const user = rc4(key, pad);
  const encrypt = doc.context.obj({
    Filter: PDFName.of('Standard'),
    V: PDFNumber.of(1),
    R: PDFNumber.of(2),
    O: PDFHexString.of(owner.toString('hex')),
    U: PDFHexString.of(user.toString('hex')),
    P: PDFNumber.of(p),
  });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  const idHex = PDFHexString.of(id.toString('hex'));
  doc.context.trailerInfo.ID = doc.context.obj([idHex, idHex]);
  return doc.save({ useObjectStreams: false });
}

/** Starts like a PDF, then is nothing of the kind. */
export function brokenPdf(): Uint8Array {
  return new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nthis file was cut off and overwritten\n');
}

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/** A 1x1 PNG. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const TINY_PNG_BASE64 = TINY_PNG.toString('base64');

/** A notebook (nbformat 4) with markdown, code, a stream output, a text/plain result and an image. */
export function notebookJson(): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' }, language_info: { name: 'python' } },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Churn analysis\n', '\n', 'We estimate the monthly churn rate of subscribers.\n'] },
      {
        cell_type: 'code', execution_count: 1, metadata: { scrolled: true }, id: 'c2',
        source: ['import pandas as pd\n', 'df = pd.read_csv("subscribers.csv")\n', 'churn_rate = df.cancelled.mean()\n', 'print(churn_rate)'],
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['0.0731\n'] }],
      },
      {
        cell_type: 'code', execution_count: 2, metadata: {}, id: 'c3',
        source: 'df.plot(kind="bar")',
        outputs: [{ output_type: 'display_data', metadata: {}, data: { 'image/png': TINY_PNG_BASE64.repeat(200), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] } },
          { output_type: 'display_data', metadata: {}, data: { 'image/png': TINY_PNG_BASE64.repeat(200) } }],
      },
      { cell_type: 'markdown', metadata: {}, source: '## Conclusion\nChurn is driven by the annual renewal price.' },
    ],
  });
}
