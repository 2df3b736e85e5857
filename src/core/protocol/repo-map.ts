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

/** The map within `budget` tokens. `symbols: false` (strict privacy) shows paths only. */
export function buildRepoMap(index: CodeIndex, scope: readonly string[], budget: number, symbols = true): string {
  const files = index.files().filter((f) => inScope(f.path, scope)).slice().sort((a, b) => a.path.localeCompare(b.path));
  if (files.length === 0) return '(no indexed files in scope)';
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
    if (fits(lines)) return lines.join('\n');
  }
  // Still too long: keep as many lines as fit and say how many were left out.
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const t = countText(line) + 1;
    if (used + t > budget - 20) break;
    kept.push(line);
    used += t;
  }
  return `${kept.join('\n')}\n... and ${lines.length - kept.length} more folders`;
}
