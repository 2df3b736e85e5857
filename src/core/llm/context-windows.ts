// Context windows (input + output tokens) of remote model families, from the providers' model
// pages. Used to size the same-context baseline into requests a remote could actually accept;
// a model not listed gets DEFAULT_CONTEXT_WINDOW (the common 128k of current frontier models).
const WINDOWS: readonly [RegExp, number][] = [
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^(o1|o3|o4)/, 200_000],
  [/^(gpt-4o|chatgpt-4o|gpt-4-turbo|gpt-4\.5)/, 128_000],
  [/^gpt-3\.5/, 16_385],
  [/^anthropic\/claude/, 200_000],
  [/^google\/gemini/, 1_048_576],
];

export const DEFAULT_CONTEXT_WINDOW = 128_000;

export function contextWindowOf(model: string): number {
  const name = model.toLowerCase().replace(/^openai\//, '');
  return WINDOWS.find(([re]) => re.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}
