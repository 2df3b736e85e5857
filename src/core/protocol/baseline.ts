// The ledger's baseline: what the remote-only protocol would have been billed for the same
// question over the same distinct chunks the local side read, counted with the remote model
// family's tokenizer (o200k for GPT-4o/4.1/5 and the o-series; an estimate otherwise), plus the
// final answer's completion tokens.
import type { Chunk } from '../index/types';
import { countMessages, tokenizerFor } from '../llm/tokens';
import { remoteOnlyMessages } from './prompts';
import { ANSWER_SCHEMA } from './schemas';

export function baselinePromptTokens(question: string, chunks: Iterable<Chunk>, remoteModel: string): number {
  const ordered = [...chunks].sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine);
  const tokenizer = tokenizerFor(remoteModel);
  // The structured-output schema is part of what the server bills for.
  return countMessages(remoteOnlyMessages(question, ordered), tokenizer) + tokenizer.count(JSON.stringify(ANSWER_SCHEMA.schema));
}
