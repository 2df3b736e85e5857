// Chooses how a file is cut: tree-sitter for languages with a grammar (within a per-file parse
// time budget), headings for Markdown, lines for everything else. Runs in a parse worker or
// inline; it sees only the file's text and returns line ranges.
import type { Parser as TreeSitterParser } from 'web-tree-sitter';
import { chunkPlainText } from './chunk-lines';
import { chunkMarkdown } from './chunk-markdown';
import { chunkSyntaxTree } from './chunk-syntax';
import type { ChunkSpec } from './chunk-types';
import { loadLanguage, Parser } from './grammars';
import { sliceLines, splitLines } from './text';
import { identifiersOfChunks, type ChunkIdentifiers } from './terms';

export interface ChunkRequest {
  text: string;
  language: string;
  grammar?: string;
  chunkTokens: number;
  /** Parse time budget in ms; past it the file is chunked by lines. */
  parseBudgetMs: number;
  /** Also return the chunks' identifiers for the lexical index. */
  withIdentifiers?: boolean;
}

export interface ChunkResult {
  chunks: ChunkSpec[];
  /** The chunks' identifiers, when asked for (the parse worker computes them off the main thread). */
  identifiers?: ChunkIdentifiers;
  /** 'syntax' | 'markdown' | 'lines' | 'lines-after-timeout' | 'lines-after-error' | 'lines-no-grammar' */
  method: string;
}

const parsers = new Map<string, TreeSitterParser>();

export async function chunkText(req: ChunkRequest): Promise<ChunkResult> {
  const result = await chunkOnly(req);
  if (req.withIdentifiers) result.identifiers = identifiersOfChunks(sliceLines(req.text, result.chunks));
  return result;
}

async function chunkOnly(req: ChunkRequest): Promise<ChunkResult> {
  const lines = splitLines(req.text);
  if (req.language === 'markdown') return { chunks: chunkMarkdown(lines, req.chunkTokens), method: 'markdown' };
  if (!req.grammar) return { chunks: chunkPlainText(lines, req.chunkTokens), method: 'lines' };
  let parser = parsers.get(req.grammar);
  if (!parser) {
    const language = await loadLanguage(req.grammar);
    if (!language) return { chunks: chunkPlainText(lines, req.chunkTokens), method: 'lines-no-grammar' };
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(req.grammar, parser);
  }
  const deadline = performance.now() + req.parseBudgetMs;
  // Returning true from the progress callback cancels the parse (the typings say void).
  const progressCallback = (() => performance.now() > deadline) as unknown as () => void;
  let tree;
  try {
    tree = parser.parse(req.text, null, { progressCallback });
  } catch {
    // A grammar can trap inside wasm (seen with a few scanners); never reuse that parser.
    parsers.delete(req.grammar);
    return { chunks: chunkPlainText(lines, req.chunkTokens), method: 'lines-after-error' };
  }
  if (!tree) {
    parser.reset();
    return { chunks: chunkPlainText(lines, req.chunkTokens), method: 'lines-after-timeout' };
  }
  try {
    return { chunks: chunkSyntaxTree(tree.rootNode, lines, req.chunkTokens), method: 'syntax' };
  } finally {
    tree.delete();
  }
}
