// Turns the positioned text runs of one PDF page into plain text in reading order. A PDF has no
// lines or paragraphs, only runs of glyphs at coordinates, often in an order that has nothing to
// do with reading (interleaved columns, table cells drawn column by column). So: runs are grouped
// into lines by baseline, a page with an empty gutter down its middle is read as two columns
// (left, then right), runs of a line far apart become cells separated by a tab (table rows stay
// rows), a wide vertical gap becomes a blank line, and a word hyphenated across lines is joined.
// Pure: no pdf.js here, so it is tested with plain data.

export interface TextRun {
  readonly str: string;
  /** Left edge and baseline, in PDF units (y grows upwards). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  /** Font size (height of the run). */
  readonly size: number;
}

interface Line {
  y: number;
  size: number;
  runs: TextRun[];
  left: number;
  right: number;
}

/** A gap wider than this many font sizes between runs of a line separates cells, not words. */
const CELL_GAP_EM = 1.2;
/** A gap wider than this (but not a cell gap) is a word space the PDF did not draw. */
const WORD_GAP_EM = 0.15;
/** Baselines closer than this share a line. */
const SAME_LINE_EM = 0.5;
/** A vertical step larger than this many line heights starts a new paragraph. */
const PARAGRAPH_STEP = 1.7;
/** Share of lines that may cross a column gutter (a heading spanning both columns). */
const GUTTER_CROSSING_SHARE = 0.1;
/** ... but a title and a footer may always cross it. */
const MAX_GUTTER_CROSSINGS = 2;
const MIN_COLUMN_LINES = 3;
/** Typical line width of a column of prose, as a share of the page (table cells are narrower). */
const MIN_COLUMN_WIDTH = 0.15;

export function pageText(runs: readonly TextRun[], pageWidth: number): string {
  const lines = groupLines(runs.filter((r) => r.str.trim().length > 0));
  if (lines.length === 0) return '';
  const columns = splitColumns(lines, pageWidth);
  const out: string[] = [];
  for (const column of columns) {
    if (out.length) out.push('');
    let previous: Line | undefined;
    for (const line of column) {
      if (previous && previous.y - line.y > PARAGRAPH_STEP * Math.max(previous.size, line.size)) out.push('');
      out.push(lineText(line));
      previous = line;
    }
  }
  return joinHyphenation(out).join('\n');
}

function groupLines(runs: readonly TextRun[]): Line[] {
  const sorted = [...runs].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const r of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - r.y) <= SAME_LINE_EM * Math.max(last.size, r.size, 1)) {
      last.runs.push(r);
      last.left = Math.min(last.left, r.x);
      last.right = Math.max(last.right, r.x + r.width);
      last.size = Math.max(last.size, r.size);
    } else lines.push({ y: r.y, size: r.size, runs: [r], left: r.x, right: r.x + r.width });
  }
  for (const l of lines) l.runs.sort((a, b) => a.x - b.x);
  return lines;
}

/**
 * Two columns when an x position near the middle of the page has text on both sides in most
 * lines and almost no line crosses it; each side's lines are cut there. Otherwise one column.
 */
function splitColumns(lines: Line[], pageWidth: number): Line[][] {
  if (lines.length < 2 * MIN_COLUMN_LINES || !(pageWidth > 0)) return [lines];
  let best: { x: number; crossings: number } | undefined;
  for (let x = pageWidth * 0.3; x <= pageWidth * 0.7; x += pageWidth / 100) {
    let crossings = 0;
    let left = 0;
    let right = 0;
    for (const l of lines) {
      if (l.runs.some((r) => r.x < x && r.x + r.width > x)) crossings++;
      if (l.runs.some((r) => r.x + r.width <= x)) left++;
      if (l.runs.some((r) => r.x >= x)) right++;
    }
    if (left < MIN_COLUMN_LINES || right < MIN_COLUMN_LINES) continue;
    if (crossings > Math.max(MAX_GUTTER_CROSSINGS, GUTTER_CROSSING_SHARE * lines.length)) continue;
    if (!best || crossings < best.crossings) best = { x, crossings };
  }
  if (!best) return [lines];
  const x = best.x;
  // A table spanning the page also leaves a gutter; columns of prose are wide on both sides.
  const leftWidths = lines.map((l) => sideWidth(l, (r) => r.x + r.width <= x));
  const rightWidths = lines.map((l) => sideWidth(l, (r) => r.x >= x));
  const wide = (ws: number[]) => median(ws.filter((w) => w > 0)) > MIN_COLUMN_WIDTH * pageWidth;
  if (!wide(leftWidths) || !wide(rightWidths)) return [lines];
  const left: Line[] = [];
  const right: Line[] = [];
  const spanning: Line[] = [];
  for (const l of lines) {
    if (l.runs.some((r) => r.x < x && r.x + r.width > x)) {
      spanning.push(l);
      continue;
    }
    const a = l.runs.filter((r) => r.x + r.width <= x);
    const b = l.runs.filter((r) => r.x >= x);
    if (a.length) left.push(sub(l, a));
    if (b.length) right.push(sub(l, b));
  }
  // Lines that cross the gutter (a title, a footer) keep their place by height: those above
  // both columns go first, the rest after.
  const top = Math.max(left[0]?.y ?? -Infinity, right[0]?.y ?? -Infinity);
  const above = spanning.filter((l) => l.y > top);
  const below = spanning.filter((l) => l.y <= top);
  return [above, left, right, below].filter((c) => c.length > 0);
}

function sideWidth(l: Line, side: (r: TextRun) => boolean): number {
  const runs = l.runs.filter(side);
  if (!runs.length) return 0;
  return Math.max(...runs.map((r) => r.x + r.width)) - Math.min(...runs.map((r) => r.x));
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function sub(l: Line, runs: TextRun[]): Line {
  return { y: l.y, size: l.size, runs, left: runs[0]!.x, right: Math.max(...runs.map((r) => r.x + r.width)) };
}

function lineText(line: Line): string {
  let text = '';
  let end: number | undefined;
  for (const r of line.runs) {
    const str = text === '' ? r.str.trimStart() : r.str;
    if (end !== undefined) {
      const gap = r.x - end;
      const size = Math.max(r.size, 1);
      if (gap > CELL_GAP_EM * size) text = text.trimEnd() + '\t' + str.trimStart();
      else if (gap > WORD_GAP_EM * size && !/\s$/.test(text) && !/^\s/.test(str)) text += ' ' + str;
      else text += str;
    } else text = str;
    end = Math.max(end ?? -Infinity, r.x + r.width);
  }
  return text.replace(/ {2,}/g, ' ').trimEnd();
}

/** "extrac-" + "tion goes on" -> "extraction" + "goes on": the word is whole on its first line. */
export function joinHyphenation(lines: string[]): string[] {
  const out: (string | undefined)[] = [...lines];
  for (let i = 0; i + 1 < out.length; i++) {
    const cur = out[i];
    const next = out[i + 1];
    if (cur === undefined || next === undefined || !/[A-Za-zÀ-ÿ]-$/.test(cur) || !/^[a-zà-ÿ]/.test(next)) continue;
    const m = /^(\S+)\s*(.*)$/.exec(next)!;
    out[i] = cur.slice(0, -1) + m[1];
    // A line that was only the word's end goes away rather than reading as a paragraph break.
    out[i + 1] = m[2] ? m[2] : undefined;
  }
  return out.filter((l): l is string => l !== undefined);
}
