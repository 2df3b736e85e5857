// Local verification of a worker's report, at no remote cost. A small model's finding counts as
// evidence only when the line it quotes really is in the chunk it read; its cited lines are
// corrected to where that quote is. A finding that fails stays in the job list (with why) but
// never reaches the remote. Replies that only say what the excerpt does not show are
// abstentions, not findings.
import type { Chunk } from '../index/types';
import type { Citation } from './events';
import { documentPlaceOf } from './citations';

export type Verdict =
  | { kind: 'verified'; citation: Citation; linesCorrected: boolean }
  | { kind: 'unverified'; reason: string; citation: Citation }
  | { kind: 'abstained'; note?: string };

/** Shortest quote part (after normalising) that can identify a place: "a" or "}" is everywhere. */
const MIN_PART_CHARS = 4;

/** The left margin the worker saw ("12| "), which models often copy into their quote. */
const MARGIN = /^\s*\d+\s*\|\s?/;

/** Lower case, compatibility forms folded (NFKC: full-width letters, ligatures, non-breaking spaces), every run of white space one space. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\u200b\ufeff]+/g, ' ').trim();
}

/** Quote parts between ellipses ("..." or "…"), each normalised; margins the model copied are dropped. */
function quoteParts(quote: string): string[] {
  const unmargined = quote.split(/\r\n|\r|\n/).map((l) => l.replace(MARGIN, '')).join('\n');
  return unmargined.split(/\.{3,}|\u2026/).map(normalizeText).filter((p) => p.length > 0);
}

/** Where `quote` is in `chunk` (lines), or undefined. Parts around an ellipsis must appear in order. */
export function locateQuote(chunk: Chunk, quote: string): { startLine: number; endLine: number } | undefined {
  const parts = quoteParts(quote);
  if (parts.length === 0 || parts.some((p) => p.length < MIN_PART_CHARS && parts.length > 1) || parts.join('').length < MIN_PART_CHARS) return undefined;
  // The chunk as one normalised string, each line's start offset kept to map a match back.
  const starts: number[] = [];
  let text = '';
  for (const line of chunk.text.split(/\r\n|\r|\n/)) {
    starts.push(text.length);
    text += normalizeText(line) + ' ';
  }
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return chunk.startLine + lo;
  };
  let from = 0;
  let first = -1;
  let last = -1;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    if (at < 0) return undefined;
    if (first < 0) first = at;
    last = at + part.length - 1;
    from = at + part.length;
  }
  return { startLine: lineAt(first), endLine: lineAt(last) };
}

/**
 * Phrases by which a "relevant" reply says only what the excerpt lacks. Kept to wording about
 * the excerpt itself: "the client does not retry on 404" is a real finding and stays one.
 */
const NEGATIVE = new RegExp([
  String.raw`\bno (?:mention|sign|trace|reference|references|evidence|information|details?|indication) (?:of|to|about|on|regarding)\b`,
  String.raw`\b(?:does|do|did)(?: not|n't) (?:contain|mention|show|include|reference|discuss|describe|appear|address|say|provide)\b`,
  String.raw`\bnot (?:mentioned|shown|present|found|included|visible|addressed|discussed|referenced)\b`,
  String.raw`\b(?:is|are)(?: not|n't) (?:relevant|related)\b`,
  String.raw`\bnothing (?:in|about|related|relevant|here)\b`,
  String.raw`\b(?:cannot|can't|can not) be (?:determined|found|seen|inferred)\b`,
].join('|'), 'i');

export function isNegativeFinding(finding: string): boolean {
  return NEGATIVE.test(finding);
}

/** The verdict on one reply: relevant, finding and quote as the worker sent them, checked against the chunk. */
export function verifyReply(chunk: Chunk, reply: { relevant: boolean; finding: string; quote?: string; lines?: readonly number[] }): Verdict {
  const finding = reply.finding.trim();
  if (!reply.relevant || !finding) return { kind: 'abstained' };
  if (isNegativeFinding(finding)) return { kind: 'abstained', note: 'the reply only says what the excerpt does not show' };
  const cited = citedRange(chunk, reply.lines ?? []);
  const quote = (reply.quote ?? '').trim();
  if (!quote) return { kind: 'unverified', reason: 'no quote to check the finding against', citation: cited ?? wholeChunk(chunk) };
  const at = locateQuote(chunk, quote);
  if (!at) return { kind: 'unverified', reason: 'the quote is not in the excerpt', citation: cited ?? wholeChunk(chunk) };
  // Cited lines stand when they lie in the chunk and contain the quote; otherwise they become the quote's own lines.
  if (cited && cited.startLine <= at.startLine && cited.endLine >= at.endLine) return { kind: 'verified', citation: cited, linesCorrected: false };
  return { kind: 'verified', citation: { path: chunk.path, ...at, ...documentPlaceOf(chunk) }, linesCorrected: true };
}

function wholeChunk(chunk: Chunk): Citation {
  return { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, ...documentPlaceOf(chunk) };
}

/** The cited lines as one range, when every one of them lies in the chunk. */
function citedRange(chunk: Chunk, lines: readonly number[]): Citation | undefined {
  if (lines.length === 0) return undefined;
  if (!lines.every((n) => Number.isInteger(n) && n >= chunk.startLine && n <= chunk.endLine)) return undefined;
  return { path: chunk.path, startLine: Math.min(...lines), endLine: Math.max(...lines), ...documentPlaceOf(chunk) };
}
