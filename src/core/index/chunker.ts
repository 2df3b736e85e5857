// Chooses how a file is cut: tree-sitter for languages with a grammar (within a per-file parse
// time budget), headings for Markdown, lines for everything else. Runs in a parse worker or
// inline; it sees only the file's text and returns line ranges.
import type { Parser as TreeSitterParser } from 'web-tree-sitter';
import { chunkPlainCosts, LineCosts } from './chunk-lines';
import { chunkMarkdown } from './chunk-markdown';
import { chunkSections, SECTION_FORMATS, type SectionFormat } from './chunk-sections';
import { chunkSyntaxTree } from './chunk-syntax';
import { chunkDocument, type DocumentKind } from './documents';
import type { PdfLimits } from './extract-pdf';
import type { ChunkSpec } from './chunk-types';
import { loadLanguage, Parser, treeRuntime } from './grammars';
import { NodeObjects, SyntaxNodes } from './syntax-nodes';
import { lineStarts, sliceLines, splitLines } from './text';
import { identifiersOfChunks, type ChunkIdentifiers, type IdentInterner } from './terms';

export interface ChunkRequest {
  text: string;
  language: string;
  grammar?: string;
  chunkTokens: number;
  /** Parse time budget in ms; past it the file is chunked by lines. */
  parseBudgetMs: number;
  /** Also return the chunks' identifiers for the lexical index. */
  withIdentifiers?: boolean;
  /** PDFs and notebooks: their indexed text is derived (a PDF's bytes come in `bytes`, `text` is empty). */
  document?: DocumentKind;
  bytes?: Uint8Array;
  pdfLimits?: PdfLimits;
}

export interface ChunkResult {
  chunks: ChunkSpec[];
  /** The chunks' identifiers, when asked for (the parse worker computes them off the main thread). */
  identifiers?: ChunkIdentifiers;
  /** 'syntax' | 'markdown' | 'lines' | 'lines-after-timeout' | 'lines-after-error' | 'lines-no-grammar' */
  method: string;
  /** Documents: the text the chunks' lines refer to (PDF pages, notebook cells), not the file's. */
  text?: string;
  /** A document with nothing to index, and what the user can do. */
  unreadable?: { reason: string; hint: string; transient?: boolean };
  /** A document read in part (page cap, time budget). */
  partial?: { reason: string; hint: string };
}

const parsers = new Map<string, TreeSitterParser>();

/** `batchIdentifiers`: the identifier table the files of one parse batch share (parse-batch.ts). */
export async function chunkText(req: ChunkRequest, batchIdentifiers?: IdentInterner): Promise<ChunkResult> {
  // A text's line starts serve its chunking and its slicing; a document's text is its reader's.
  const starts = req.document ? undefined : lineStarts(req.text);
  const result = req.document ? await chunkDocumentRequest(req, req.document) : await chunkOnly(req, starts!);
  if (req.withIdentifiers) result.identifiers = identifiersOfChunks(sliceLines(result.text ?? req.text, result.chunks, starts), batchIdentifiers);
  return result;
}

async function chunkDocumentRequest(req: ChunkRequest, kind: DocumentKind): Promise<ChunkResult> {
  const out = await chunkDocument(kind, { text: req.text, bytes: req.bytes, chunkTokens: req.chunkTokens, pdfLimits: req.pdfLimits });
  if (out.kind === 'unreadable') return { chunks: [], method: kind, unreadable: { reason: out.reason, hint: out.hint, ...(out.transient ? { transient: true } : {}) } };
  return { chunks: out.specs, method: kind, text: out.text, ...(out.partial ? { partial: out.partial } : {}) };
}

/**
 * The chunks of a text (not a document) whose lines start at `starts` (lineStarts). Only Markdown
 * and the heading formats look at the lines' text; the others need where lines start, and the
 * parse its text.
 */
async function chunkOnly(req: ChunkRequest, starts: readonly number[]): Promise<ChunkResult> {
  if (req.language === 'markdown') return { chunks: chunkMarkdown(splitLines(req.text), req.chunkTokens), method: 'markdown' };
  if (SECTION_FORMATS.has(req.language)) return { chunks: chunkSections(splitLines(req.text), req.language as SectionFormat, req.chunkTokens), method: 'sections' };
  const costs = LineCosts.ofLineStarts(starts, req.text.length);
  const byLines = (method: string): ChunkResult => ({ chunks: chunkPlainCosts(costs, req.chunkTokens), method });
  if (!req.grammar) return byLines('lines');
  let parser = parsers.get(req.grammar);
  if (!parser) {
    const language = await loadLanguage(req.grammar);
    if (!language) return byLines('lines-no-grammar');
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(req.grammar, parser);
  }
  let tree;
  try {
    tree = parseWithin(parser, req.text, req.parseBudgetMs);
    // The first parses with a grammar also pay for compiling its wasm (V8 compiles lazily, and
    // on a busy machine that alone can pass the budget): a grammar's first timeout is retried
    // once, so a file falls back to lines for its own size, not for the grammar's warm-up.
    if (!tree && !warmed.has(req.grammar)) {
      parser.reset();
      tree = parseWithin(parser, req.text, req.parseBudgetMs);
    }
    warmed.add(req.grammar);
  } catch {
    // A grammar can trap inside wasm (seen with a few scanners); never reuse that parser.
    parsers.delete(req.grammar);
    return byLines('lines-after-error');
  }
  if (!tree) {
    parser.reset();
    return byLines('lines-after-timeout');
  }
  try {
    // The tree is read straight from the runtime where it can be (syntax-nodes.ts).
    const runtime = treeRuntime();
    const nodes = runtime ? new SyntaxNodes(runtime, tree, req.text) : new NodeObjects();
    return { chunks: chunkSyntaxTree(nodes, nodes.adopt(tree.rootNode), costs, req.chunkTokens), method: 'syntax' };
  } catch {
    // A tree the syntax chunker cannot walk (out of stack on some tree shape no one foresaw)
    // costs this file its syntax chunks, never the build.
    return byLines('lines-after-error');
  } finally {
    tree.delete();
  }
}

/** Grammars that have finished one parse here (their wasm is compiled). */
const warmed = new Set<string>();

/** A parse cancelled once it runs past `budgetMs` (undefined then). */
function parseWithin(parser: TreeSitterParser, text: string, budgetMs: number) {
  const deadline = performance.now() + budgetMs;
  // Returning true from the progress callback cancels the parse (the typings say void).
  const progressCallback = (() => performance.now() > deadline) as unknown as () => void;
  return parser.parse(text, null, { progressCallback });
}
