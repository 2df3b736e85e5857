// Turns a question (often an issue text with code, tracebacks and paths) into weighted terms.
// Code-like tokens (identifiers with `_`, `.` or inner capitals, backticked spans, file paths,
// traceback frames) say more about where the answer is than prose does, so they weigh more.
import { forEachTerm } from './terms';

export interface QueryTerm {
  readonly term: string;
  readonly weight: number;
}

export interface ParsedQuery {
  readonly terms: QueryTerm[];
  /** File names the question mentions (`skipping.py`, `src/a/b.ts`), lower-cased. */
  readonly fileNames: string[];
}

const CODE_WEIGHT = 2;
const PROSE_WEIGHT = 1;
const MAX_TERMS = 256;

const PATH_LIKE = /(?:[\w.-]+\/)*[\w-]+\.[A-Za-z][A-Za-z0-9]{0,5}\b/g;
const CODE_SPAN = /`([^`\n]{1,200})`/g;
const CODE_IDENT = /\b(?:[A-Za-z_]\w*_\w*|[a-z]+[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|\w+(?:\.\w+)+)\b/g;
const FILE_EXT = /\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|kt|swift|rb|php|cs|c|h|cc|cpp|hpp|sh|md|json|ya?ml|toml|cfg|ini|txt|rst)$/i;

export function parseQuery(question: string): ParsedQuery {
  const weights = new Map<string, number>();
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) =>
    forEachTerm(text, (t) => {
      weights.set(t, Math.max(weights.get(t) ?? 0, weight));
      counts.set(t, (counts.get(t) ?? 0) + 1);
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
