// Citations: checking a worker's line numbers against the chunk it read, and finding the
// `path:line` references in a markdown answer (kept only when the path is in the index).
import type { Chunk } from '../index/types';
import type { Citation } from './events';

/** The cited lines that fall inside the chunk, as one range; the whole chunk when none do. */
export function citationFor(chunk: Chunk, lines: readonly number[]): Citation {
  const valid = lines.filter((n) => Number.isInteger(n) && n >= chunk.startLine && n <= chunk.endLine);
  if (valid.length === 0) return { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine };
  return { path: chunk.path, startLine: Math.min(...valid), endLine: Math.max(...valid) };
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
