// Citations: checking a worker's line numbers against the chunk it read, and finding the
// `path:line` references in a markdown answer (kept only when the path is in the index).
import type { Chunk, CodeIndex } from '../index/types';
import type { Citation } from './events';

/** The cited lines that fall inside the chunk, as one range; the whole chunk when none do. */
export function citationFor(chunk: Chunk, lines: readonly number[]): Citation {
  const valid = lines.filter((n) => Number.isInteger(n) && n >= chunk.startLine && n <= chunk.endLine);
  const range = valid.length === 0 ? { startLine: chunk.startLine, endLine: chunk.endLine } : { startLine: Math.min(...valid), endLine: Math.max(...valid) };
  return { path: chunk.path, ...range, ...documentPlaceOf(chunk) };
}

/** A PDF chunk's page or a notebook chunk's cell, for a citation of its lines. */
export function documentPlaceOf(chunk: Chunk | undefined): Pick<Citation, 'page' | 'cell' | 'lineOffset'> {
  if (!chunk || chunk.lineOffset === undefined) return {};
  return { ...(chunk.page ? { page: chunk.page } : {}), ...(chunk.cell ? { cell: chunk.cell } : {}), lineOffset: chunk.lineOffset };
}

/** The answer's citations of PDFs and notebooks, given their page or cell from the chunk holding the line. */
export function withDocumentPlaces(citations: Citation[], index: Pick<CodeIndex, 'chunksOf'>): Citation[] {
  return citations.map((c) => {
    if (!/\.(pdf|ipynb)$/i.test(c.path)) return c;
    const chunk = index.chunksOf(c.path).find((k) => k.startLine <= c.startLine && c.startLine <= k.endLine);
    return { ...c, ...documentPlaceOf(chunk) };
  });
}

/** How a citation's place reads for a person or the remote: `p.37`, `cell 3`, or nothing. */
export function documentPlaceLabel(c: Pick<Citation, 'page' | 'cell'>): string {
  return c.page ? `p.${c.page}` : c.cell ? `cell ${c.cell}` : '';
}

const REF = /(?<![\w/.-])((?:[\w@.-]+\/)*[\w@.-]+\.[A-Za-z0-9]+):(\d+)(?:\s*[-–]\s*(\d+))?/g;

/** `path:line` and `path:start-end` references in `markdown` whose path is known; deduplicated, in order. */
export function citationsIn(markdown: string, knownPath: (path: string) => boolean): Citation[] {
  const out: Citation[] = [];
  const seen = new Set<string>();
  for (const m of markdown.matchAll(REF)) {
    const path = m[1]!.replace(/^\.\//, '');
    if (!knownPath(path)) continue;
    const start = Number(m[2]);
    const end = m[3] ? Math.max(start, Number(m[3])) : start;
    if (start < 1) continue;
    const key = `${path}:${start}-${end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, startLine: start, endLine: end });
  }
  return out;
}

export interface CitationSpan {
  /** Where the reference starts in the markdown, and how long it is. */
  index: number;
  length: number;
  citation: Citation;
}

/** Every `path:line` reference in `markdown` whose path is known, with its position (for linking it in place). */
export function citationSpans(markdown: string, knownPath: (path: string) => boolean): CitationSpan[] {
  const out: CitationSpan[] = [];
  for (const m of markdown.matchAll(REF)) {
    const path = m[1]!.replace(/^\.\//, '');
    const start = Number(m[2]);
    if (!knownPath(path) || start < 1) continue;
    out.push({ index: m.index, length: m[0].length, citation: { path, startLine: start, endLine: m[3] ? Math.max(start, Number(m[3])) : start } });
  }
  return out;
}
