// A PDF's pages as one indexed text: the pages' lines follow each other (page 1 first), and
// each page is cut on its own, so a chunk never spans two pages and knows its page, the page
// count and where its page starts (citations read `report.pdf p. 37`).
import { chunkLineRange, LineCosts, TEXT_OVERLAP_LINES } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';
import { splitLines } from './text';

export function chunkPdfPages(pages: readonly string[], pageCount: number, budget: number): { text: string; specs: ChunkSpec[] } {
  const lines: string[] = [];
  const ranges: { page: number; from: number; to: number }[] = [];
  pages.forEach((pageText, i) => {
    const pageLines = splitLines(pageText);
    if (pageLines.length === 0) return;
    ranges.push({ page: i + 1, from: lines.length, to: lines.length + pageLines.length - 1 });
    lines.push(...pageLines);
  });
  const costs = LineCosts.ofLines(lines);
  const specs: ChunkSpec[] = [];
  for (const r of ranges)
    for (const s of chunkLineRange(costs, r.from, r.to, budget, TEXT_OVERLAP_LINES))
      specs.push({ ...s, page: r.page, pages: pageCount, lineOffset: r.from });
  return { text: lines.join('\n'), specs };
}
