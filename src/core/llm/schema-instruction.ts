// The prompt line that carries a JSON schema to a model that cannot be made to keep to one (an
// OpenAI-compatible server without response_format, VS Code's language-model API): the answer
// is then parsed tolerantly and checked by chatJson (structured.ts).
export function schemaInstruction(schema: { name: string; schema: unknown }): string {
  return `Reply with only one JSON object (no prose, no code fences) that matches this JSON schema named "${schema.name}":\n${JSON.stringify(schema.schema)}`;
}
