// Turning a file's bytes into the text every other part sees. Line endings are normalised to
// LF with a 1:1 line mapping (CRLF, lone CR and LF each end exactly one line, as in VS Code),
// so line numbers computed on the normalised text are the numbers the editor shows.

import * as nodeBuffer from 'node:buffer';

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
/** buffer.isUtf8 (Node 18.14+); a runtime without it keeps every text as a string. */
const isUtf8 = (nodeBuffer as { isUtf8?: (input: Uint8Array) => boolean }).isUtf8;
const utf16le = new TextDecoder('utf-16le', { fatal: false });
const utf16be = new TextDecoder('utf-16be', { fatal: false });

/** Decodes UTF-8 (invalid sequences become U+FFFD) or BOM-marked UTF-16, and normalises line endings. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) text = utf16le.decode(bytes.subarray(2));
  else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) text = utf16be.decode(bytes.subarray(2));
  else text = utf8.decode(bytes);
  return normalizeLineEndings(text);
}

/**
 * True when decodeText(bytes) written back as UTF-8 is `bytes` again: valid UTF-8, no byte-order
 * mark, no carriage return. Such a file's bytes can stand for its text.
 */
export function decodesToItself(bytes: Uint8Array): boolean {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
  return isUtf8 !== undefined && isUtf8(bytes) && bytes.indexOf(13) === -1;
}

export function normalizeLineEndings(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

/** Lines of LF-normalised text; a trailing newline does not add an empty last line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A file with a line this long, or lines this long on average, is a minified bundle: no use to a reader. */
const MINIFIED_MAX_LINE = 10_000;
const MINIFIED_AVG_LINE = 300;

export function isMinified(text: string): boolean {
  if (text.length < 4096) return false;
  let lines = 1;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i - start > longest) longest = i - start;
    start = i + 1;
    lines++;
  }
  if (text.length - start > longest) longest = text.length - start;
  return longest > MINIFIED_MAX_LINE || text.length / lines > MINIFIED_AVG_LINE;
}

/** Start offsets of each line of LF text. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** How many lines splitLines() gives a text of `length` whose lines start at `starts`. */
export function lineCount(starts: readonly number[], length: number): number {
  if (length === 0) return 0;
  return starts[starts.length - 1] === length ? starts.length - 1 : starts.length;
}

/** The text of 1-based inclusive line ranges (without the last line's newline). */
export function sliceLines(text: string, ranges: readonly { startLine: number; endLine: number }[], starts: readonly number[] = lineStarts(text)): string[] {
  return ranges.map((r) => {
    const from = starts[r.startLine - 1] ?? text.length;
    const to = r.endLine < starts.length ? starts[r.endLine]! - 1 : text.length;
    return text.slice(from, to);
  });
}
