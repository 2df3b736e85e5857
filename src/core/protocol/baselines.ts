// The two comparison protocols. Remote-only: the remote reads the best code that fits its
// budget and answers (what MinionS saves against). Local-only: the local model does the same
// within its own context, with no remote call at all.
import type { RunContext } from './run-context';
import type { ProtocolOutcome } from './minions';
import { packChunks } from './pack';
import { remoteOnlyChunks, REMOTE_ONLY_MAX_TOKENS } from './baseline';
import { remoteOnlyMessages, localOnlyMessages } from './prompts';
import { ANSWER_SCHEMA, type FinalAnswer } from './schemas';
import { jsonCall } from './calls';

export async function runRemoteOnly(ctx: RunContext): Promise<ProtocolOutcome> {
  const req = ctx.request;
  ctx.emit({ type: 'round-started', round: 1, maxRounds: 1 });
  const chunks = remoteOnlyChunks(ctx.index, req);
  const res = await jsonCall<FinalAnswer>(ctx, ctx.remote, 'answer', {
    messages: remoteOnlyMessages(req.question, chunks), schema: ANSWER_SCHEMA, temperature: 0.2, maxTokens: REMOTE_ONLY_MAX_TOKENS,
  });
  // Remote-only is its own baseline: what the server billed, every attempt included (ratio 1).
  ctx.ledger.setBaselines({ kind: 'billed' });
  ctx.emit({ type: 'synthesis', round: 1, decision: 'answer' });
  return { answer: res.value.answer.trim() || 'The remote model gave no answer.', rounds: 1 };
}

export async function runLocalOnly(ctx: RunContext): Promise<ProtocolOutcome> {
  const req = ctx.request;
  ctx.emit({ type: 'round-started', round: 1, maxRounds: 1 });
  const chunks = packChunks(ctx.index, req.question, req.scope, req.budgets.localContextTokens);
  for (const c of chunks) {
    ctx.chunksRead.set(c.id, c);
    ctx.chunksAnswered.set(c.id, c);
  }
  const res = await jsonCall<FinalAnswer>(ctx, ctx.local, 'answer', {
    messages: localOnlyMessages(req.question, chunks), schema: ANSWER_SCHEMA, temperature: 0.1, maxTokens: 1500,
  });
  ctx.answerCompletionTokens = res.result.usage.completionTokens;
  ctx.emit({ type: 'synthesis', round: 1, decision: 'answer' });
  return { answer: res.value.answer.trim() || 'The local model gave no answer.', rounds: 1 };
}
