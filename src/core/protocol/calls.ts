// Model calls as the protocols make them: every request recorded in the run's ledger and log,
// structured ones validated (with one repair), plain ones returned as text.
import type { ChatModel, ChatRequest, JsonSchema } from '../llm/types';
import { chatJson, type JsonAnswer } from '../llm/structured';
import { toMinionsError } from '../errors';
import type { CallUsage } from '../ledger/types';
import type { RunContext } from './run-context';

export function jsonCall<T>(ctx: RunContext, model: ChatModel, purpose: string, request: Omit<ChatRequest, 'signal'> & { schema: { name: string; schema: JsonSchema } }, signal: AbortSignal = ctx.signal, usage?: CallUsage): Promise<JsonAnswer<T>> {
  return chatJson<T>(model, { ...request, signal, onAttempt: (a) => ctx.recordAttempt(model, purpose, a) }, {
    beforeCall: (r) => {
      if (model.role === 'remote') ctx.guard.check(r, purpose);
    },
    onCall: (r) => {
      ctx.record(model, purpose, r);
      // The caller's running total over every attempt (a repaired answer costs both requests).
      if (usage && r.usage) {
        usage.promptTokens += r.usage.promptTokens;
        usage.completionTokens += r.usage.completionTokens;
        if (r.usage.cachedPromptTokens) usage.cachedPromptTokens = (usage.cachedPromptTokens ?? 0) + r.usage.cachedPromptTokens;
      }
    },
  });
}

export async function textCall(ctx: RunContext, model: ChatModel, purpose: string, request: Omit<ChatRequest, 'signal'>): Promise<{ text: string; completionTokens: number }> {
  if (model.role === 'remote') ctx.guard.check(request, purpose);
  const started = Date.now();
  try {
    const result = await model.chat({ ...request, signal: ctx.signal, onAttempt: (a) => ctx.recordAttempt(model, purpose, a) });
    ctx.record(model, purpose, { usage: result.usage, ms: result.ms, ok: true, result });
    return { text: result.content.trim(), completionTokens: result.usage.completionTokens };
  } catch (err) {
    const e = toMinionsError(err);
    ctx.record(model, purpose, { usage: undefined, ms: Date.now() - started, ok: false, error: e });
    throw e;
  }
}
