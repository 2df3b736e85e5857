// Fields a structured reply may leave out. Strict `json_schema` servers always send every field,
// but under the `json_object` and prompt-only fallbacks (servers that reject strict schemas)
// models often drop a field whose value would be empty. For a field whose absence means
// "nothing" (the next round's plan of a synthesis that answers), filling the empty value beats
// a repair round-trip that bills the remote again for the same answer.
import type { ChatModel } from '../llm/types';
import { firstJsonObject } from '../llm/structured';

/** `model`, with `defaults` filled into a JSON reply's top-level object where the request's schema has the key and the reply does not. */
export function withOptionalFields(model: ChatModel, defaults: Readonly<Record<string, unknown>>): ChatModel {
  return {
    role: model.role,
    provider: model.provider,
    model: model.model,
    ...(model.contextTokens !== undefined ? { contextTokens: model.contextTokens } : {}),
    async chat(request) {
      const result = await model.chat(request);
      const text = firstJsonObject(result.content.replace(/```(?:json)?/gi, ''));
      if (text === undefined) return result;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return result; // the validator reports it and asks for a repair
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) return result;
      // Only fields the request's schema asks for (a schema without them forbids them).
      const asked = (request.schema?.schema.properties ?? {}) as Record<string, unknown>;
      const missing = Object.keys(defaults).filter((k) => k in asked && !(k in value));
      if (missing.length === 0) return result;
      const filled = { ...(value as Record<string, unknown>) };
      for (const k of missing) filled[k] = defaults[k];
      return { ...result, content: JSON.stringify(filled) };
    },
  };
}
