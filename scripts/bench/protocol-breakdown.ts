// bench:protocol helper: where MinionS's remote tokens go. Every request the simulated remote
// receives is split into its parts (fixed instructions, repository map, earlier findings, the
// digest, the JSON schema, the question and framing) by the section markers the engine's prompts
// use, each part counted with o200k; the completions are counted per call type too.
import { countText } from '../../src/core/llm/tokens';
import type { OpenAIChatBody } from '../../test/support/fake-openai';

export type Part = 'plan: instructions' | 'plan: repository map' | 'plan: earlier findings' | 'plan: question + framing' | 'plan: schema' | 'plan: completion'
  | 'synthesis: instructions' | 'synthesis: digest' | 'synthesis: question + framing' | 'synthesis: schema' | 'synthesis: completion';

export class Breakdown {
  readonly parts = new Map<Part, number>();
  calls = { plan: 0, synthesis: 0 };

  private add(part: Part, tokens: number): void {
    this.parts.set(part, (this.parts.get(part) ?? 0) + tokens);
  }

  /** Splits `text` at the first `marker`: [before, after] (after is '' when the marker is absent). */
  private static cut(text: string, marker: string): [string, string] {
    const at = text.indexOf(marker);
    return at < 0 ? [text, ''] : [text.slice(0, at + marker.length), text.slice(at + marker.length)];
  }

  request(kind: 'plan' | 'synthesis', body: OpenAIChatBody, schemaTokens: number, completion: string, promptTokens: number): void {
    this.calls[kind]++;
    const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
    const user = body.messages.filter((m) => m.role !== 'system').map((m) => m.content).join('\n');
    let counted = schemaTokens;
    const put = (part: Part, text: string) => {
      const t = text ? countText(text) : 0;
      this.add(part, t);
      counted += t;
    };
    if (kind === 'plan') {
      const [instructions, map] = Breakdown.cut(system, 'Repository map');
      put('plan: instructions', instructions);
      put('plan: repository map', map);
      const [framing, history] = Breakdown.cut(user, 'What earlier rounds found:');
      put('plan: earlier findings', history);
      put('plan: question + framing', framing);
      this.add('plan: schema', schemaTokens);
      this.add('plan: completion', countText(completion));
    } else {
      put('synthesis: instructions', system);
      const [framing, digest] = Breakdown.cut(user, '):\n');
      put('synthesis: digest', digest);
      put('synthesis: question + framing', framing);
      this.add('synthesis: schema', schemaTokens);
      this.add('synthesis: completion', countText(completion));
    }
    // Message framing tokens (role markers) the parts do not show: counted with the framing.
    const rest = promptTokens - counted;
    this.add(kind === 'plan' ? 'plan: question + framing' : 'synthesis: question + framing', rest);
  }

  print(questions: number): void {
    const total = [...this.parts.values()].reduce((a, b) => a + b, 0);
    console.log(`   where MinionS's remote tokens went (${this.calls.plan} plan + ${this.calls.synthesis} synthesis calls over ${questions} questions; tokens per question):`);
    for (const [part, t] of [...this.parts.entries()].sort((a, b) => b[1] - a[1])) {
      if (t === 0) continue;
      console.log(`     ${part.padEnd(32)} ${String(Math.round(t / questions)).padStart(6)}  ${((t / total) * 100).toFixed(1).padStart(5)}%`);
    }
  }
}
