// The repository map the planner sees instead of code: paths, languages, sizes and top-level
// symbols, squeezed into a token budget (symbols go first, then files fold into folders).
import type { CodeIndex, FileSummary } from '../index/types';
import { countText } from '../llm/tokens';

export function inScope(path: string, scope: readonly string[]): boolean {
  return scope.length === 0 || scope.some((s) => path === s || path.startsWith(s + '/'));
}

function fileLine(f: FileSummary, withSymbols: boolean): string {
  const symbols = withSymbols && f.symbols.length ? `: ${f.symbols.slice(0, 12).join(', ')}${f.symbols.length > 12 ? ', ...' : ''}` : '';
  return `${f.path} (${f.language}, ${f.lines} lines)${symbols}`;
}

function folderLines(files: readonly FileSummary[], depth: number): string[] {
  const groups = new Map<string, { files: number; lines: number; languages: Set<string> }>();
  for (const f of files) {
    const parts = f.path.split('/');
    const key = parts.length > depth ? parts.slice(0, depth).join('/') + '/' : f.path;
    const g = groups.get(key) ?? { files: 0, lines: 0, languages: new Set<string>() };
    g.files++;
    g.lines += f.lines;
    g.languages.add(f.language);
    groups.set(key, g);
  }
  return [...groups.entries()].map(([k, g]) => `${k} (${g.files} files, ${g.lines} lines, ${[...g.languages].slice(0, 4).join('/')})`);
}

/** Keeps lines in order while they fit `budget` tokens; says how many were left out. */
function fitLines(lines: readonly string[], budget: number, what: string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const t = countText(line) + 1;
    if (used + t > budget - 20) break;
    kept.push(line);
    used += t;
  }
  return kept.length < lines.length ? [...kept, `... and ${lines.length - kept.length} more ${what}`] : kept;
}

/** The whole repository, file by file and then folded into folders, as the first form that fits. */
function outline(files: readonly FileSummary[], budget: number, symbols: boolean): string[] {
  const fits = (lines: string[]) => countText(lines.join('\n')) <= budget;
  const attempts: (() => string[])[] = [
    () => files.map((f) => fileLine(f, symbols)),
    () => files.map((f) => fileLine(f, false)),
    () => folderLines(files, 3),
    () => folderLines(files, 2),
    () => folderLines(files, 1),
  ];
  let lines: string[] = [];
  for (const attempt of attempts) {
    lines = attempt();
    if (fits(lines)) return lines;
  }
  return fitLines(lines, budget, 'folders');
}

/** Share of a too-small budget given to the files the question's words point at (the rest outlines the repository). */
const RELEVANT_SHARE = 0.6;

/**
 * The map within `budget` tokens. `symbols: false` (strict privacy) shows paths only.
 *
 * When the whole repository does not fit with its symbols and a `question` is given, the budget
 * goes where the planner needs it: first the files the index ranks highest for the question,
 * each with its symbols (what the planner's keywords and globs will aim at), then the rest of
 * the repository folded into folders (so it still knows what else exists). A big repository
 * costs the same map tokens as a small one, and they are spent on the likely places.
 */
export function buildRepoMap(index: CodeIndex, scope: readonly string[], budget: number, symbols = true, question?: string): string {
  const files = index.files().filter((f) => inScope(f.path, scope)).slice().sort((a, b) => a.path.localeCompare(b.path));
  if (files.length === 0) return '(no indexed files in scope)';
  const everything = files.map((f) => fileLine(f, symbols));
  if (countText(everything.join('\n')) <= budget || !question?.trim()) return outline(files, budget, symbols).join('\n');

  const byPath = new Map(files.map((f) => [f.path, f]));
  const ranked = index.searchFiles(question, { top: 40, ...(scope.length ? { scope } : {}) })
    .map((h) => byPath.get(h.path)).filter((f): f is FileSummary => f !== undefined);
  if (ranked.length === 0) return outline(files, budget, symbols).join('\n');
  const relevant = fitLines(ranked.map((f) => fileLine(f, symbols)), Math.floor(budget * RELEVANT_SHARE), 'related files');
  const shown = new Set(ranked.slice(0, relevant.length).map((f) => f.path));
  const rest = files.filter((f) => !shown.has(f.path));
  const used = countText(relevant.join('\n'));
  const parts = ['Files most related to the question:', ...relevant];
  if (rest.length) parts.push('', 'The rest of the repository:', ...outline(rest, budget - used - 20, false));
  return parts.join('\n');
}
