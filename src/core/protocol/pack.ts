// Picks the best chunks for a question that fit a token budget (Minion, local-only and
// remote-only read code directly, so they get as much of the most relevant code as fits).
import type { CodeIndex, Chunk } from '../index/types';

/** Line numbers and the header add roughly this much to a chunk's own tokens when rendered. */
const RENDER_OVERHEAD = (c: Chunk) => Math.ceil((c.endLine - c.startLine + 1) * 1.5) + 20;

export function packChunks(index: CodeIndex, question: string, scope: readonly string[], budget: number): Chunk[] {
  const hits = index.search(question, { top: 200, ...(scope.length ? { scope } : {}) });
  const out: Chunk[] = [];
  let used = 0;
  for (const { chunk } of hits) {
    const cost = chunk.tokens + RENDER_OVERHEAD(chunk);
    if (used + cost > budget) continue;
    out.push(chunk);
    used += cost;
  }
  // Reading order: by file, then position, so the model sees each file top-down.
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine);
}
