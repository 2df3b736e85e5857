// The indexed text of one PDF page, rebuilt from the index's chunks of that page, and where a
// cited line of the indexed text falls in it. No `vscode` import, so it is tested in plain Node.
import type { Chunk, CodeIndex } from '../../core/index/types';

export interface PageText {
  page: number;
  pages?: number;
  /** Indexed-text lines before the page: page line = line - lineOffset. */
  lineOffset: number;
  text: string;
}

/** The chunk of a PDF or notebook that holds this line of its indexed text. */
export function chunkAtLine(index: Pick<CodeIndex, 'chunksOf'>, path: string, line: number): Chunk | undefined {
  return index.chunksOf(path).find((c) => c.startLine <= line && line <= c.endLine && c.lineOffset !== undefined);
}

export function pageText(index: Pick<CodeIndex, 'chunksOf'>, path: string, page: number): PageText | undefined {
  const chunks = index.chunksOf(path).filter((c) => c.page === page && c.lineOffset !== undefined);
  const first = chunks[0];
  if (!first) return undefined;
  const lineOffset = first.lineOffset!;
  const lines: string[] = [];
  // Chunks overlap by a line or two; each line is taken once, from whichever chunk has it.
  for (const c of chunks) c.text.split('\n').forEach((l, i) => (lines[c.startLine + i - lineOffset - 1] ??= l));
  return { page, ...(first.pages ? { pages: first.pages } : {}), lineOffset, text: Array.from(lines, (l) => l ?? '').join('\n') };
}
