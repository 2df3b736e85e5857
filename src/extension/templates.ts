// "Analyze with Minions": the templates offered in the quick pick and the question each one
// sends. Pure, so the wording is unit-tested and the same for Explorer and editor selections.

export type TemplateId = 'explain' | 'bugs' | 'security' | 'summarize' | 'custom';

export interface AnalyzeTemplate {
  id: TemplateId;
  label: string;
  detail: string;
}

export const TEMPLATES: readonly AnalyzeTemplate[] = [
  { id: 'explain', label: 'Explain', detail: 'What this code does, how its parts fit, and why' },
  { id: 'bugs', label: 'Find bugs', detail: 'Likely defects: wrong logic, edge cases, error handling, races' },
  { id: 'security', label: 'Security review', detail: 'Injection, secrets, unsafe input handling, authz gaps' },
  { id: 'summarize', label: 'Summarize', detail: 'A short overview: purpose, main entry points, dependencies' },
  { id: 'custom', label: 'Custom question...', detail: 'Type your own question about the selection' },
];

/** Describes what is analysed, e.g. `src/core`, `3 items (a.ts, b.ts, lib)`, `lines 10-20 of src/a.ts`. */
export function describeTarget(scope: readonly string[], lines?: { startLine: number; endLine: number }): string {
  if (lines && scope.length === 1) return `lines ${lines.startLine}-${lines.endLine} of ${scope[0]}`;
  if (scope.length === 0) return 'the whole workspace';
  if (scope.length === 1) return scope[0]!;
  const names = scope.slice(0, 3).join(', ');
  return `${scope.length} items (${names}${scope.length > 3 ? ', …' : ''})`;
}

/** The question a template asks about the target; `custom` needs the user's own text. */
export function buildQuestion(id: TemplateId, target: string, custom?: string): string {
  switch (id) {
    case 'explain':
      return `Explain ${target}: what it does, how its main parts work together, and the important design decisions. Cite the code.`;
    case 'bugs':
      return `Find likely bugs in ${target}: incorrect logic, unhandled errors, edge cases, resource leaks and concurrency problems. For each, say why it is a bug and cite the lines.`;
    case 'security':
      return `Do a security review of ${target}: injection, unsafe deserialization, path traversal, secrets in code, missing validation or authorization. For each issue, rate its severity and cite the lines.`;
    case 'summarize':
      return `Summarize ${target}: its purpose, main entry points and responsibilities, and what it depends on. Keep it short and cite the code.`;
    case 'custom': {
      const q = (custom ?? '').trim();
      return q === '' ? '' : `${q} (about ${target})`;
    }
  }
}
