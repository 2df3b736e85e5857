// Markdown: one section per heading (headings inside fenced code blocks do not count). Small
// neighbouring sections are merged up to the budget; a long section is split by lines.
import { LineCosts, packSections } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';

interface Section {
  start: number;
  end: number;
  heading?: string;
}

export function chunkMarkdown(lines: readonly string[], budget: number): ChunkSpec[] {
  if (lines.length === 0) return [];
  const costs = LineCosts.ofLines(lines);
  const sections: Section[] = [];
  let fence: string | undefined;
  let current: Section = { start: 0, end: -1 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^\s{0,3}(```|~~~)/.exec(line);
    if (f) fence = fence === undefined ? f[1] : fence === f[1] ? undefined : fence;
    const h = fence === undefined ? /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (h && i > current.start) {
      current.end = i - 1;
      sections.push(current);
      current = { start: i, end: -1, heading: h[1] };
    } else if (h) current.heading = h[1];
  }
  current.end = lines.length - 1;
  sections.push(current);

  return packSections(costs, sections.map((x) => ({ start: x.start, end: x.end, ...(x.heading !== undefined ? { symbol: x.heading } : {}) })), budget);
}
