// Answer citations checked: every `path:line` of the answer must lie inside its file, and is
// linked to the verified findings whose lines it overlaps. A citation no finding supports is the
// remote's own claim about code it never saw; the panel shows it as such and the run counts it.
import type { Citation, CitationCheck } from './events';
import type { Finding } from './digest';

export function checkCitations(citations: readonly Citation[], fileLines: (path: string) => number | undefined, findings: readonly Finding[]): CitationCheck[] {
  return citations.map((c) => {
    const lines = fileLines(c.path);
    if (lines === undefined || c.endLine > lines) return { ...c, findingIds: [], status: 'outside-file' };
    const findingIds = findings
      .filter((f) => f.id && f.citation.path === c.path && f.citation.startLine <= c.endLine && c.startLine <= f.citation.endLine)
      .map((f) => f.id!);
    return { ...c, findingIds, status: findingIds.length ? 'supported' : 'unsupported' };
  });
}
