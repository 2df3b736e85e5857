// Line-based chunking: the fallback for text files, files no grammar covers, files whose parse
// fails or runs past its time budget, and syntax nodes that are too big and have no children.
import { estimateTokens } from './tokens';
import type { ChunkSpec } from './chunk-types';
import { lineCount } from './text';

/** Prefix sums of line lengths, so the token estimate of any line range is O(1). */
export class LineCosts {
  /** prefix[i] is the length of lines 0..i-1, each with its newline. */
  private constructor(private readonly prefix: Float64Array) {}

  static ofLines(lines: readonly string[]): LineCosts {
    const prefix = new Float64Array(lines.length + 1);
    for (let i = 0; i < lines.length; i++) prefix[i + 1] = prefix[i]! + lines[i]!.length + 1;
    return new LineCosts(prefix);
  }

  /** The same costs from where each line of a text of `length` characters starts (lineStarts), without the lines themselves. */
  static ofLineStarts(starts: readonly number[], length: number): LineCosts {
    const count = lineCount(starts, length);
    const prefix = new Float64Array(count + 1);
    for (let i = 1; i < count; i++) prefix[i] = starts[i]!;
    // The last line's newline is counted whether the text has it or not, as ofLines does.
    if (count > 0) prefix[count] = count < starts.length ? starts[count]! : length + 1;
    return new LineCosts(prefix);
  }

  /** How many lines (splitLines' count). */
  get count(): number {
    return this.prefix.length - 1;
  }

  /** Tokens of 0-based inclusive line range [a, b]. */
  tokens(a: number, b: number): number {
    return b < a ? 0 : estimateTokens(this.prefix[b + 1]! - this.prefix[a]! - 1);
  }
}

/**
 * Splits 0-based lines [from, to] into chunks of about `budget` tokens, each starting where the
 * previous one ended minus `overlap` lines (overlap keeps a sentence or statement that straddles
 * a cut readable in both chunks).
 */
export function chunkLineRange(costs: LineCosts, from: number, to: number, budget: number, overlap: number, symbol?: string): ChunkSpec[] {
  const out: ChunkSpec[] = [];
  let start = from;
  while (start <= to) {
    let end = start;
    while (end < to && costs.tokens(start, end + 1) <= budget) end++;
    out.push(spec(costs, start, end, symbol));
    if (end >= to) break;
    const next = end + 1 - overlap;
    start = next > start ? next : end + 1;
  }
  return out;
}

export function spec(costs: LineCosts, a: number, b: number, symbol?: string, names?: string[]): ChunkSpec {
  const s: ChunkSpec = { startLine: a + 1, endLine: b + 1, tokens: costs.tokens(a, b) };
  if (symbol) s.symbol = symbol;
  if (names && names.length) s.names = names;
  return s;
}

export const TEXT_OVERLAP_LINES = 2;

export function chunkPlainText(lines: readonly string[], budget: number): ChunkSpec[] {
  return chunkPlainCosts(LineCosts.ofLines(lines), budget);
}

/** chunkPlainText of a text known by its line costs. */
export function chunkPlainCosts(costs: LineCosts, budget: number): ChunkSpec[] {
  return costs.count === 0 ? [] : chunkLineRange(costs, 0, costs.count - 1, budget, TEXT_OVERLAP_LINES);
}

/** A run of lines that belongs together (a document section), with the symbol its chunks get. */
export interface LineSection {
  start: number;
  end: number;
  symbol?: string;
}

/**
 * Sections into chunks: small neighbouring sections merge up to the budget, a section over it is
 * split by lines (each part keeps the section's symbol). Markdown and the other heading formats share it.
 */
export function packSections(costs: LineCosts, sections: readonly LineSection[], budget: number): ChunkSpec[] {
  const out: ChunkSpec[] = [];
  let group: LineSection | undefined;
  const flush = () => {
    if (group) out.push(spec(costs, group.start, group.end, group.symbol));
    group = undefined;
  };
  for (const s of sections) {
    if (costs.tokens(s.start, s.end) > budget) {
      flush();
      out.push(...chunkLineRange(costs, s.start, s.end, budget, TEXT_OVERLAP_LINES, s.symbol));
    } else if (group && costs.tokens(group.start, s.end) <= budget) {
      group.end = s.end;
    } else {
      flush();
      group = { ...s };
    }
  }
  flush();
  return out;
}
