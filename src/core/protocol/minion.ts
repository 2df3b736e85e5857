// Minion (the paper's chat protocol): the local model holds the best chunks that fit its
// context; the remote, which never sees them, asks it questions for a few turns, then answers.
import type { ChatMessage } from '../llm/types';
import type { RunContext } from './run-context';
import type { ProtocolOutcome } from './minions';
import { packChunks } from './pack';
import { minionSystem, minionLocalMessages, renderChunk } from './prompts';
import { MINION_TURN_SCHEMA, type MinionTurn } from './schemas';
import { scrubSource } from './privacy';
import { jsonCall, textCall } from './calls';

export async function runMinion(ctx: RunContext): Promise<ProtocolOutcome> {
  const req = ctx.request;
  const chunks = packChunks(ctx.index, req.question, req.scope, req.budgets.localContextTokens);
  for (const c of chunks) {
    ctx.chunksRead.set(c.id, c);
    ctx.chunksAnswered.set(c.id, c);
  }
  const context = chunks.map((c) => renderChunk(c)).join('\n\n');
  const files = chunks.length ? chunks.map((c) => `- ${c.path}:${c.startLine}-${c.endLine}${c.symbol ? ` (${c.symbol})` : ''}`).join('\n') : '(no code matched the question)';
  const conversation: ChatMessage[] = [
    { role: 'system', content: minionSystem({ files, maxRounds: req.maxRounds }) },
    { role: 'user', content: `Question: ${req.question}` },
  ];
  for (let round = 1; ; round++) {
    ctx.throwIfCancelled();
    // A round is one question to the local model; the turn after the last round must answer.
    const last = round > req.maxRounds;
    if (!last) ctx.emit({ type: 'round-started', round, maxRounds: req.maxRounds });
    const turn = await jsonCall<MinionTurn>(ctx, ctx.remote, last ? 'answer' : 'ask', {
      messages: last ? [...conversation, { role: 'user', content: 'No more questions: answer now (decision "answer").' }] : conversation,
      schema: MINION_TURN_SCHEMA, temperature: 0.2, maxTokens: 3000,
    });
    ctx.answerCompletionTokens = turn.result.usage.completionTokens;
    if (turn.value.decision === 'answer' || last) {
      const rounds = Math.min(round, req.maxRounds);
      ctx.emit({ type: 'synthesis', round: rounds, decision: 'answer' });
      return { answer: turn.value.message.trim() || 'The remote model gave no answer.', rounds };
    }
    ctx.emit({ type: 'synthesis', round, decision: 'continue', missing: turn.value.message });
    conversation.push({ role: 'assistant', content: JSON.stringify(turn.value) });
    const reply = await textCall(ctx, ctx.local, 'minion-reply', {
      messages: minionLocalMessages({ context, question: turn.value.message }), temperature: 0.1, maxTokens: 800,
    });
    const words = req.privacy === 'strict' ? scrubSource(reply.text, chunks.map((c) => c.text)) : reply.text;
    conversation.push({ role: 'user', content: `Local assistant: ${words || '(no reply)'}` });
  }
}
