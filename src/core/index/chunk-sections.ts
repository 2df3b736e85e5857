// Documents with section headings other than Markdown: reStructuredText (a title underlined,
// optionally overlined, with punctuation; levels in order of first use), AsciiDoc (`== Title`),
// Org (`** Title`), and plain text that underlines its headings (=== / ---) or uses `#`. Cut by
// section like Markdown: small neighbouring sections merge up to the budget, a long one is split
// by lines; the symbol is the heading path ("Install > From source").
import { LineCosts, packSections } from './chunk-lines';
import type { ChunkSpec } from './chunk-types';

interface Heading {
  /** 0-based line where the section starts (an overline, when there is one). */
  line: number;
  level: number;
  title: string;
}

export type SectionFormat = 'restructuredtext' | 'asciidoc' | 'org' | 'plaintext';

export const SECTION_FORMATS: ReadonlySet<string> = new Set<SectionFormat>(['restructuredtext', 'asciidoc', 'org', 'plaintext']);

const UNDERLINE = /^([=\-~^"'`#*+:._])\1{2,}\s*$/;

export function headingsOf(lines: readonly string[], format: SectionFormat): Heading[] {
  if (format === 'asciidoc') return prefixed(lines, /^(={1,6})\s+(\S.*?)\s*$/, /^(-{4,}|\.{4,}|={4,}|\+{4,}|_{4,}|\*{4,}|`{3,})\s*$/);
  if (format === 'org') return prefixed(lines, /^(\*{1,8})\s+(\S.*?)\s*$/, /^\s*#\+(BEGIN|END)_/i);
  const out: Heading[] = [];
  const levels: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const title = lines[i - 1]!.trim();
    const under = UNDERLINE.exec(lines[i]!);
    if (!under || !title || UNDERLINE.test(title) || lines[i]!.trim().length < title.length) continue;
    if (format === 'plaintext' && under[1] !== '=' && under[1] !== '-') continue;
    const over = i >= 2 && lines[i - 2]!.trim() === lines[i]!.trim();
    const style = (over ? 'o' : 'u') + under[1];
    let level = levels.indexOf(style);
    if (level < 0) level = levels.push(style) - 1;
    out.push({ line: over ? i - 2 : i - 1, level: level + 1, title });
  }
  if (format === 'plaintext' && out.length === 0) return prefixed(lines, /^(#{1,6})\s+(\S.*?)\s*#*\s*$/);
  return out;
}

/** Headings marked by a run of one character at the line start (`==`, `**`, `##`), outside blocks. */
function prefixed(lines: readonly string[], heading: RegExp, fence?: RegExp): Heading[] {
  const out: Heading[] = [];
  let inBlock = false;
  lines.forEach((line, i) => {
    if (fence?.test(line)) {
      inBlock = !inBlock;
      return;
    }
    const m = inBlock ? null : heading.exec(line);
    if (m) out.push({ line: i, level: m[1]!.length, title: m[2]! });
  });
  return out;
}

export function chunkSections(lines: readonly string[], format: SectionFormat, budget: number): ChunkSpec[] {
  if (lines.length === 0) return [];
  const costs = LineCosts.ofLines(lines);
  const headings = headingsOf(lines, format);
  const sections: { start: number; end: number; path?: string }[] = [];
  const stack: Heading[] = [];
  let start = 0;
  let path: string | undefined;
  for (const h of headings) {
    if (h.line > start) sections.push({ start, end: h.line - 1, path });
    while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
    stack.push(h);
    path = stack.map((s) => s.title).join(' > ');
    start = h.line;
  }
  sections.push({ start, end: lines.length - 1, path });

  return packSections(costs, sections.map((x) => ({ start: x.start, end: x.end, ...(x.path !== undefined ? { symbol: x.path } : {}) })), budget);
}
