// A tiny in-memory CodeIndex for engine unit tests: files are cut into fixed line windows and
// ranked by how many query words they contain. The real index (src/core/index) is used by the
// integration tests; this one keeps protocol tests independent of chunking details.
import { minimatch } from 'minimatch';
import type { Chunk, ChunkHit, CodeIndex, FileHit, FileSummary, SearchOptions } from '../../src/core/index/types';

export function memoryIndex(files: Record<string, string>, linesPerChunk = 20): CodeIndex {
  const chunks: Chunk[] = [];
  const summaries: FileSummary[] = [];
  for (const [path, text] of Object.entries(files)) {
    const lines = text.split('\n');
    let n = 0;
    for (let start = 0; start < lines.length; start += linesPerChunk) {
      const body = lines.slice(start, start + linesPerChunk).join('\n');
      const startLine = start + 1;
      const endLine = Math.min(lines.length, start + linesPerChunk);
      chunks.push({ id: `${path}:${startLine}-${endLine}`, path, startLine, endLine, language: path.endsWith('.md') ? 'markdown' : 'typescript', tokens: Math.ceil(body.length / 4), text: body });
      n++;
    }
    const symbols = [...text.matchAll(/(?:class|function|interface)\s+(\w+)/g)].map((m) => m[1]!);
    summaries.push({ path, language: path.endsWith('.md') ? 'markdown' : 'typescript', bytes: text.length, lines: lines.length, chunks: n, symbols });
  }
  const matches = (c: Chunk, o?: SearchOptions) =>
    (!o?.globs?.length || o.globs.some((g) => minimatch(c.path, g))) &&
    (!o?.scope?.length || o.scope.some((s) => c.path === s || c.path.startsWith(s + '/')));
  const search = (query: string, o?: SearchOptions): ChunkHit[] => {
    const words = [...new Set(query.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length > 2))];
    return chunks
      .filter((c) => matches(c, o))
      .map((chunk) => {
        const hay = (chunk.path + '\n' + chunk.text).toLowerCase();
        return { chunk, score: words.filter((w) => hay.includes(w)).length };
      })
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id))
      .slice(0, o?.top ?? 10);
  };
  return {
    stats: { files: summaries.length, chunks: chunks.length, bytes: summaries.reduce((n, f) => n + f.bytes, 0), skipped: 0, ms: 0 },
    files: () => summaries,
    chunksOf: (path) => chunks.filter((c) => c.path === path),
    getChunk: (id) => chunks.find((c) => c.id === id),
    search,
    searchFiles: (query, o): FileHit[] => {
      const byFile = new Map<string, ChunkHit[]>();
      for (const h of search(query, { ...o, top: 1000 })) byFile.set(h.chunk.path, [...(byFile.get(h.chunk.path) ?? []), h]);
      return [...byFile.entries()].map(([path, hits]) => ({ path, score: hits[0]!.score, chunks: hits })).slice(0, o?.top ?? 10);
    },
  };
}
