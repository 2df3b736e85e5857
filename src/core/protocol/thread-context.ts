// What a follow-up run makes of its thread: the earlier turns as compact text for the remote,
// and the earlier findings checked against the index as it is now (a finding whose chunk was
// edited or removed is stale: dropped, and reported).
import type { Chunk, CodeIndex } from '../index/types';
import { countText } from '../llm/tokens';
import type { Citation } from './events';
import type { Finding } from './digest';
import { chunkContentHash } from './job-cache';
import type { Conversation } from './thread';

/** The conversation as the engine uses it, checked against the index as it is now. */
export interface ResumedConversation {
  /** The earlier turns as text for the remote, within the budget. */
  text: string;
  /** Earlier findings still valid, as digest findings of "round 0". */
  findings: Finding[];
  /** The chunks those findings came from (what a remote-only answer would have had to read). */
  chunks: Chunk[];
  stale: Citation[];
}

/** Answer text of one earlier turn at most this many tokens (the newest turns are worth more than one long answer). */
const ANSWER_TOKENS = 150;

function clip(text: string, tokens: number): string {
  const t = text.trim();
  if (countText(t) <= tokens) return t;
  // About four characters a token; cut at a word, then mark the cut.
  const cut = t.slice(0, tokens * 4).replace(/\s+\S*$/, '');
  return `${cut} [...]`;
}

/** The earlier turns, newest kept first, oldest dropped when over budget; printed oldest first. */
export function conversationText(earlier: Conversation['earlier'], budget: number): string {
  const parts: string[] = [];
  let used = 0;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const t = earlier[i]!;
    const part = `Turn ${i + 1}. Question: ${clip(t.question, 200)}\nAnswer: ${clip(t.answer, ANSWER_TOKENS) || '(no answer)'}`;
    const cost = countText(part) + 2;
    if (used + cost > budget) {
      if (parts.length === 0) parts.push(clip(part, budget));
      break;
    }
    parts.push(part);
    used += cost;
  }
  const left = earlier.length - parts.length;
  return `${left > 0 ? `(${left} earlier turn(s) left out)\n\n` : ''}${parts.reverse().join('\n\n')}`;
}

/** Checks the earlier findings against the index: a finding counts only while its chunk is unchanged. */
export function resumeConversation(c: Conversation, index: CodeIndex, budget: number): ResumedConversation {
  const findings: Finding[] = [];
  const chunks = new Map<string, Chunk>();
  const stale: Citation[] = [];
  const seen = new Set<string>();
  for (const f of c.findings) {
    const key = `${f.chunkId}\u0000${f.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const chunk = index.getChunk(f.chunkId);
    if (!chunk || chunkContentHash(chunk) !== f.chunkHash) {
      stale.push(f.citation);
      continue;
    }
    chunks.set(chunk.id, chunk);
    findings.push({ round: 0, taskId: `turn${f.turn}:${f.task}`, task: `${f.task} (turn ${f.turn})`, citation: f.citation, text: f.text });
  }
  return { text: conversationText(c.earlier, budget), findings, chunks: [...chunks.values()], stale };
}

