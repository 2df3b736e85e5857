// Scripted model behaviour for engine tests: a local worker that "reads" the numbered excerpt
// in its prompt and reports the lines containing a word, and a remote that plans and answers
// from a per-round script. Both run behind the real loopback servers (FakeOllama, FakeOpenAI).
import type { OllamaChatBody, OllamaChatScript } from './fake-ollama';
import type { OpenAIChatBody, OpenAIChatScript } from './fake-openai';
import { schemaNameOf } from './fake-openai';

/** The numbered lines of the excerpt in a job prompt. */
export function excerptLines(body: { messages: { content: string }[] }): { line: number; text: string }[] {
  const user = body.messages.filter((m) => m.content.includes('| ')).map((m) => m.content).join('\n');
  const out: { line: number; text: string }[] = [];
  for (const l of user.split('\n')) {
    const m = /^\s*(\d+)\| (.*)$/.exec(l);
    if (m) out.push({ line: Number(m[1]), text: m[2]! });
  }
  return out;
}

/** A local worker: relevant when the excerpt contains one of `words`, citing those lines. */
export function wordFinder(words: string[], extra: Partial<OllamaChatScript> = {}): (body: OllamaChatBody) => OllamaChatScript {
  return (body) => {
    const lines = excerptLines(body).filter((l) => words.some((w) => l.text.includes(w)));
    if (lines.length === 0) return { content: JSON.stringify({ relevant: false, finding: '', lines: [], quote: '' }), ...extra };
    const first = lines[0]!;
    return {
      content: JSON.stringify({
        relevant: true,
        finding: `Line ${first.line} mentions ${words.find((w) => first.text.includes(w))}.`,
        lines: lines.map((l) => l.line),
        quote: first.text.trim(),
      }),
      ...extra,
    };
  };
}

export interface RemoteScript {
  plans: { instruction: string; keywords: string[]; globs: string[] }[][];
  /** Per round: an answer (final) or what is missing (continue). */
  syntheses: ({ answer: string } | { missing: string })[];
  /** Minion turns: questions, then the answer. */
  minion?: { ask?: string; answer?: string }[];
  /** Remote-only answer. */
  answer?: string;
}

/** A remote that follows `script` by schema name, counting rounds as it goes. */
export function scriptedRemote(script: RemoteScript): (body: OpenAIChatBody) => OpenAIChatScript {
  let plan = 0;
  let synth = 0;
  let turn = 0;
  return (body) => {
    const name = schemaNameOf(body);
    if (name === 'minions_plan') {
      const tasks = script.plans[Math.min(plan++, script.plans.length - 1)]!;
      return { content: JSON.stringify({ tasks, advice: 'Report only what the excerpt shows.' }) };
    }
    if (name === 'minions_synthesis') {
      const s = script.syntheses[Math.min(synth++, script.syntheses.length - 1)]!;
      return { content: JSON.stringify('answer' in s ? { decision: 'answer', answer: s.answer, missing: '' } : { decision: 'continue', answer: '', missing: s.missing }) };
    }
    if (name === 'minion_turn') {
      const t = script.minion?.[Math.min(turn++, (script.minion?.length ?? 1) - 1)] ?? { answer: 'done' };
      return { content: JSON.stringify(t.answer !== undefined ? { decision: 'answer', message: t.answer } : { decision: 'ask', message: t.ask }) };
    }
    if (name === 'answer') return { content: JSON.stringify({ answer: script.answer ?? 'remote-only answer' }) };
    return { status: 400, error: { message: `test remote got an unexpected request (schema ${name})`, type: 'invalid_request_error' } };
  };
}
