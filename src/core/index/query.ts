// Turns a question (often an issue text with code, tracebacks and paths) into weighted terms.
// Code-like tokens (identifiers with `_`, `.` or inner capitals, backticked spans, file paths,
// traceback frames) say more about where the answer is than prose does, so they weigh more.
import { K1, type QueryTerm } from './lexical';
import { compoundWords, scanIdentifiers, termsOfIdentifier } from './terms';

export interface ParsedQuery {
  readonly terms: QueryTerm[];
  /** File names the question mentions (`skipping.py`, `src/a/b.ts`), lower-cased. */
  readonly fileNames: string[];
}

const CODE_WEIGHT = 2;
const PROSE_WEIGHT = 1;
/**
 * The whole term of a compound identifier weighs this much more per word it joins (BM25's k1).
 * A chunk that holds `parseHTTPResponse` once matches each of its words once; one full of
 * `parse`, `http` and `response` but not the identifier saturates all three, which BM25 scores up
 * to (k1 + 1)x a single occurrence each: without the boost a search for one exact name ranked the
 * chunk holding it below chunks that only share its words (`bench:search`, exact names: the one
 * chunk holding a compound identifier first for 77% of them, in the top 10 for 92%; now 97% and 99%).
 */
export const WHOLE_IDENTIFIER_BOOST = K1;
/**
 * ...for a question of up to this many distinct identifiers (a name looked up, a planner's
 * keywords); past it the boost thins out in proportion. In a long issue text each identifier is
 * one cue among hundreds, and boosting every compound one (`AssertionError`) cost file recall on
 * the pytest dev set (recall@5 0.82 -> 0.71).
 */
export const SHORT_QUESTION_IDENTIFIERS = 8;
const MAX_TERMS = 256;

const PATH_LIKE = /(?:[\w.-]+\/)*[\w-]+\.[A-Za-z][A-Za-z0-9]{0,5}\b/g;
const CODE_SPAN = /`([^`\n]{1,200})`/g;
const CODE_IDENT = /\b(?:[A-Za-z_]\w*_\w*|[a-z]+[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|\w+(?:\.\w+)+)\b/g;
const FILE_EXT = /\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|kt|swift|rb|php|cs|c|h|cc|cpp|hpp|sh|md|json|ya?ml|toml|cfg|ini|txt|rst)$/i;

export function parseQuery(question: string): ParsedQuery {
  const weights = new Map<string, number>();
  const counts = new Map<string, number>();
  const distinct = new Set<string>();
  scanIdentifiers(question, (ident) => distinct.add(ident));
  const boost = WHOLE_IDENTIFIER_BOOST * Math.min(1, SHORT_QUESTION_IDENTIFIERS / Math.max(1, distinct.size));
  const add = (text: string, weight: number) =>
    scanIdentifiers(text, (ident) => {
      const terms = termsOfIdentifier(ident);
      const words = compoundWords(ident, terms);
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i]!;
        const w = i === 0 && words ? weight * (1 + boost * words) : weight;
        weights.set(t, Math.max(weights.get(t) ?? 0, w));
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    });
  add(question, PROSE_WEIGHT);
  for (const m of question.matchAll(CODE_SPAN)) add(m[1]!, CODE_WEIGHT);
  for (const m of question.matchAll(CODE_IDENT)) add(m[0], CODE_WEIGHT);
  const fileNames = new Set<string>();
  for (const m of question.matchAll(PATH_LIKE)) {
    if (!FILE_EXT.test(m[0])) continue;
    fileNames.add(m[0].toLowerCase().split('/').pop()!);
    add(m[0], CODE_WEIGHT);
  }
  const terms = [...weights].map(([term, w]) => ({ term, weight: w * (1 + Math.log(counts.get(term) ?? 1)) }));
  terms.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
  return { terms: terms.slice(0, MAX_TERMS), fileNames: [...fileNames] };
}
