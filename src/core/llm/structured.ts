// Structured answers from models that do not always keep to the schema: strip code fences,
// find the first balanced JSON object, validate it (ajv), and on failure ask once more showing
// the model its error. Every attempt's usage is reported, so the ledger counts what the server
// billed even for answers we threw away.
import Ajv, { type ValidateFunction } from 'ajv';
import { MinionsError } from '../errors';
import type { CallUsage } from '../ledger/types';
import type { ChatModel, ChatRequest, ChatResult, JsonSchema } from './types';

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}

/** The first balanced `{...}` in `text` (strings and escapes respected), or undefined. */
export function firstJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Tolerant parse + schema check. The error text is written for the model to read on a retry. */
export function parseJsonAnswer<T>(text: string, schema: JsonSchema): ParseOutcome<T> {
  const unfenced = text.replace(/```(?:json)?/gi, '');
  const candidate = firstJsonObject(unfenced);
  if (candidate === undefined) return { ok: false, error: 'the reply contained no JSON object' + (text.trim() ? '' : ' (it was empty)') };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (err) {
    return { ok: false, error: `the JSON is not valid (${(err as Error).message})` };
  }
  const validate = validatorFor(schema);
  if (!validate(value)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? e.instancePath : 'the object';
    return { ok: false, error: `the JSON does not match the schema: ${where} ${e?.message ?? 'is invalid'}` };
  }
  return { ok: true, value: value as T };
}

/** One model call as the engine records it (also for the calls whose answer was rejected). */
export interface CallRecord {
  usage: CallUsage | undefined;
  ms: number;
  ok: boolean;
  /** Set when the call itself failed (no usage) or its answer was unusable. */
  error?: MinionsError;
  result?: ChatResult;
}

export interface JsonCallOptions {
  /** How many times to ask again after an unusable answer (default 1, as design.md says). */
  repairs?: number;
  /** Called once per request sent, in order. */
  onCall?: (record: CallRecord) => void;
  /** Called before each request (repairs included) with what it will send; throwing stops it unsent (the spend cap). */
  beforeCall?: (request: ChatRequest) => void;
}

export interface JsonAnswer<T> {
  value: T;
  /** The last (accepted) call's result. */
  result: ChatResult;
}

function badOutput(model: ChatModel, detail: string, cause?: unknown): MinionsError {
  const who = model.role === 'remote' ? `The remote model ${model.model}` : `The local model ${model.model}`;
  return new MinionsError(model.role === 'remote' ? 'remote-bad-output' : 'local-bad-output', `${who} did not give a usable answer: ${detail}`,
    model.role === 'remote' ? 'Try again, or choose a model that supports structured output' : 'Try again, or choose a stronger local model (e.g. qwen2.5-coder:7b)',
    cause === undefined ? undefined : { cause });
}

/**
 * Asks `model` for JSON matching `request.schema`. Unusable answers (no JSON, invalid JSON,
 * schema violations, a `length` stop) get `repairs` more tries that show the model its error;
 * refusals and silently truncated prompts fail at once (asking again cannot fix them).
 */
export async function chatJson<T>(model: ChatModel, request: ChatRequest & { schema: { name: string; schema: JsonSchema } }, options: JsonCallOptions = {}): Promise<JsonAnswer<T>> {
  const repairs = options.repairs ?? 1;
  let messages = request.messages;
  let lastError = '';
  for (let attempt = 0; attempt <= repairs; attempt++) {
    let result: ChatResult;
    const started = Date.now();
    options.beforeCall?.({ ...request, messages });
    try {
      result = await model.chat({ ...request, messages });
    } catch (err) {
      const e = err instanceof MinionsError ? err : badOutput(model, (err as Error).message ?? String(err), err);
      options.onCall?.({ usage: undefined, ms: Date.now() - started, ok: false, error: e });
      throw e;
    }
    const fail = (e: MinionsError) => {
      options.onCall?.({ usage: result.usage, ms: result.ms, ok: false, error: e, result });
      return e;
    };
    if (result.promptTruncated) {
      const { reportedTokens, expectedTokens } = result.promptTruncated;
      throw fail(new MinionsError(model.role === 'local' ? 'local-truncated' : 'context-too-long',
        `${model.model} read only ${reportedTokens} of about ${expectedTokens} prompt tokens: the server cut the prompt to fit its context window`,
        'Raise the local context size (minions.local.numCtx) or use a model with a longer context'));
    }
    if (result.finishReason === 'refusal' || result.finishReason === 'content_filter') {
      throw fail(new MinionsError(model.role === 'remote' ? 'remote-refused' : 'local-bad-output',
        `${model.model} refused to answer (${result.finishReason === 'refusal' ? 'refusal' : 'content filter'})`,
        'Rephrase the question, or narrow the scope to the code it is about'));
    }
    if (model.role === 'remote' && result.finishReason === 'length' && !result.content.trim()) {
      // A reasoning model spent the whole limit thinking: asking again the same way fails the same way.
      const hidden = result.usage.reasoningTokens ? ` (${result.usage.reasoningTokens} of them on hidden reasoning)` : '';
      throw fail(new MinionsError('reasoning-exhausted',
        `${model.model} used its whole completion limit of ${result.usage.completionTokens} tokens${hidden} and wrote no answer`,
        'Choose a non-reasoning model, or one that accepts a lower reasoning_effort; the tokens were billed'));
    }
    const parsed = result.finishReason === 'length'
      ? ({ ok: false, error: 'the reply was cut off at the token limit; answer more briefly' } as const)
      : parseJsonAnswer<T>(result.content, request.schema.schema);
    if (parsed.ok) {
      options.onCall?.({ usage: result.usage, ms: result.ms, ok: true, result });
      return { value: parsed.value, result };
    }
    lastError = parsed.error;
    const e = badOutput(model, lastError);
    if (attempt === repairs) throw fail(e);
    fail(e);
    messages = [
      ...request.messages,
      { role: 'assistant', content: result.content.slice(0, 4000) },
      { role: 'user', content: `That reply cannot be used: ${lastError}. Reply again with only the JSON object, matching the schema exactly.` },
    ];
  }
  throw badOutput(model, lastError);
}
