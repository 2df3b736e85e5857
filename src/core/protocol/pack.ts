// Picks the best chunks for a question that fit a token budget (Minion, local-only and
// remote-only read code directly, so they get as much of the most relevant code as fits).
import type { CodeIndex, Chunk } from '../index/types';
import { chunksInScope } from './expand';

/** Line numbers and the header add roughly this much to a chunk's own tokens when rendered. */
const RENDER_OVERHEAD = (c: Chunk) => Math.ceil((c.endLine - c.startLine + 1) * 1.5) + 20;

export function packChunks(index: CodeIndex, question: string, scope: readonly string[], budget: number): Chunk[] {
  const hits = index.search(question, { top: 200, ...(scope.length ? { scope } : {}) }).map((h) => h.chunk);
  // A scoped run reads its scope even where the question's words miss it.
  const candidates = [...hits, ...chunksInScope(index, scope, 400)];
  const out: Chunk[] = [];
  const taken = new Set<string>();
  let used = 0;
  for (const chunk of candidates) {
    if (taken.has(chunk.id)) continue;
    const cost = chunk.tokens + RENDER_OVERHEAD(chunk);
    if (used + cost > budget) continue;
    out.push(chunk);
    taken.add(chunk.id);
    used += cost;
  }
  // Reading order: by file, then position, so the model sees each file top-down.
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine);
}
