// The ledger's two baselines (issue 11), counted here with the remote model family's tokenizer
// (o200k for GPT-4o/4.1/5 and the o-series; a labelled estimate otherwise):
// - same context (the paper's definition): the remote reading every chunk a local job answered
//   or abstained on (failed and cancelled jobs excluded, so a run whose jobs fail cannot inflate
//   it), packed into remote-only requests that each fit the remote's context window, each with
//   the question, the instructions and the answer schema, and each answered at the length the
//   run's own final answer had;
// - remote-only protocol: the one request this product's remote-only protocol would send for
//   this question and scope (built exactly as runRemoteOnly builds it, counted, never sent).
import type { Chunk, CodeIndex } from '../index/types';
import { countMessages, tokenizerFor, type Tokenizer } from '../llm/tokens';
import { contextWindowOf } from '../llm/context-windows';
import { remoteOnlyMessages, renderChunk } from './prompts';
import { ANSWER_SCHEMA } from './schemas';
import { packChunks } from './pack';
import type { ResolvedRequest } from './request';

/** Output room kept free in every same-context request (the remote-only protocol asks for up to 3000). */
export const REMOTE_ONLY_MAX_TOKENS = 3000;

const byPosition = (a: Chunk, b: Chunk) => a.path.localeCompare(b.path) || a.startLine - b.startLine;

/** Prompt tokens of one remote-only request over `chunks` (the structured-output schema is billed too). */
export function remoteOnlyPromptTokens(question: string, chunks: readonly Chunk[], tokenizer: Tokenizer): number {
  return countMessages(remoteOnlyMessages(question, chunks), tokenizer) + tokenizer.count(JSON.stringify(ANSWER_SCHEMA.schema));
}

/** The chunks the remote-only protocol would read for this request (the same packing runRemoteOnly uses). */
export function remoteOnlyChunks(index: CodeIndex, req: Pick<ResolvedRequest, 'question' | 'scope' | 'budgets'>): Chunk[] {
  return packChunks(index, req.question, req.scope, req.budgets.remoteOnlyTokens);
}

export interface SameContextCount {
  promptTokens: number;
  /** Requests needed to fit every chunk inside the context window. */
  calls: number;
  /** The largest single request's prompt tokens (never above the window minus the output room). */
  largestRequest: number;
}

/**
 * Packs `chunks` (in reading order) into remote-only requests of at most the remote's context
 * window minus the output room, and counts their prompts. Greedy by position: a chunk that does
 * not fit starts the next request.
 */
export function sameContextPrompt(question: string, chunks: Iterable<Chunk>, remoteModel: string, windowTokens = contextWindowOf(remoteModel)): SameContextCount {
  const tokenizer = tokenizerFor(remoteModel);
  const limit = windowTokens - REMOTE_ONLY_MAX_TOKENS;
  const ordered = [...chunks].sort(byPosition);
  // Packing sums each rendered chunk's own count (the joined text tokenizes within a few tokens
  // of it); 1% is kept free for that difference, and each request is then counted exactly.
  const base = remoteOnlyPromptTokens(question, [], tokenizer);
  const room = Math.floor(limit * 0.99) - base;
  const requests: Chunk[][] = [];
  let current: Chunk[] = [];
  let used = 0;
  for (const chunk of ordered) {
    const cost = tokenizer.count(renderChunk(chunk)) + 2;
    if (current.length && used + cost > room) {
      requests.push(current);
      current = [];
      used = 0;
    }
    current.push(chunk);
    used += cost;
  }
  if (current.length) requests.push(current);
  let promptTokens = 0;
  let largestRequest = 0;
  for (const r of requests) {
    const n = remoteOnlyPromptTokens(question, r, tokenizer);
    promptTokens += n;
    largestRequest = Math.max(largestRequest, n);
  }
  return { promptTokens, calls: requests.length, largestRequest };
}
