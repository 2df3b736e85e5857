// Fits a JSON schema to a token budget before it becomes a llama.cpp grammar. A grammar fixes
// the shape of the answer but not its length: a small model can stay inside one string until
// max_tokens cuts it, and then the JSON never closes. Capping every unbounded string and array
// (maxLength / maxItems, which the grammar enforces) makes the model close its JSON within the
// budget whenever it writes at least CHARS_PER_TOKEN characters per token. The engine already
// trims long findings and lists after parsing, so a cap trims the same way, only earlier.
import type { JsonSchema } from './types';

/** Conservative: English and code average 3-4 characters per token, runaway repetition about as much. */
const CHARS_PER_TOKEN = 2;
/** Share of the budget given to string content (the rest is keys, quotes, numbers, whitespace). */
const CONTENT_SHARE = 0.8;
const MAX_ITEMS_DEFAULT = 6;
const MIN_STRING = 24;
const MAX_STRING = 4000;

type Schema = Record<string, unknown>;

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unboundedString(s: Schema): boolean {
  return s.type === 'string' && s.enum === undefined && s.const === undefined && s.maxLength === undefined && s.format === undefined && s.pattern === undefined;
}

/** How many unbounded strings the answer can hold at most, counting array repetitions. */
function stringWeight(s: Schema): number {
  if (unboundedString(s)) return 1;
  if (s.type === 'array' && isObject(s.items)) {
    const n = typeof s.maxItems === 'number' ? s.maxItems : MAX_ITEMS_DEFAULT;
    return n * stringWeight(s.items);
  }
  if (Array.isArray(s.oneOf)) return Math.max(0, ...s.oneOf.map((o) => (isObject(o) ? stringWeight(o) : 0)));
  if (s.type === 'object') {
    const named = isObject(s.properties) ? Object.values(s.properties).reduce((sum: number, p) => sum + (isObject(p) ? stringWeight(p) : 0), 0) : 0;
    // Free-form keys: each one is a (short) string and a value.
    const extra = isObject(s.additionalProperties) ? (typeof s.maxProperties === 'number' ? s.maxProperties : MAX_ITEMS_DEFAULT) * (1 + stringWeight(s.additionalProperties)) : 0;
    return named + extra;
  }
  return 0;
}

function capped(s: Schema, maxLength: number): Schema {
  if (unboundedString(s)) return { ...s, maxLength };
  if (s.type === 'array' && isObject(s.items)) {
    return { ...s, ...(typeof s.maxItems === 'number' ? {} : { maxItems: MAX_ITEMS_DEFAULT }), items: capped(s.items, maxLength) };
  }
  if (Array.isArray(s.oneOf)) return { ...s, oneOf: s.oneOf.map((o) => (isObject(o) ? capped(o, maxLength) : o)) };
  if (s.type === 'object') {
    const out: Schema = { ...s };
    if (isObject(s.properties)) {
      const properties: Schema = {};
      for (const [k, p] of Object.entries(s.properties)) properties[k] = isObject(p) ? capped(p, maxLength) : p;
      out.properties = properties;
    }
    if (isObject(s.additionalProperties)) {
      out.additionalProperties = capped(s.additionalProperties, maxLength);
      if (typeof s.maxProperties !== 'number') out.maxProperties = MAX_ITEMS_DEFAULT;
    }
    return out;
  }
  return s;
}

/**
 * What Ollama's `format: "json"` (the empty schema, any JSON) becomes: a flat object of scalar
 * values, which a grammar can bound, instead of llama.cpp's open-ended JSON grammar.
 */
export const ANY_JSON_OBJECT: JsonSchema = {
  type: 'object',
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
};

/** The schema with caps that let the answer close within `maxTokens`; unchanged when it has nothing unbounded. */
export function fitSchemaToBudget(schema: JsonSchema, maxTokens: number): JsonSchema {
  const weight = stringWeight(schema);
  if (weight === 0 && !JSON.stringify(schema).includes('"array"')) return schema;
  const perString = Math.floor((maxTokens * CHARS_PER_TOKEN * CONTENT_SHARE) / Math.max(1, weight));
  return capped(schema, Math.min(MAX_STRING, Math.max(MIN_STRING, perString)));
}
