// Shared set-up for the engine tests: the real index over the fixture repo, real clients
// against the loopback fakes, and a collector for the event stream.
import { join } from 'node:path';
import { openIndex, type WorkspaceIndex } from '../../../src/core/index/index';
import { OllamaModel } from '../../../src/core/llm/ollama';
import { OpenAICompatibleModel, resetLearnedQuirks } from '../../../src/core/llm/openai';
import type { RunEvent } from '../../../src/core/protocol/events';
import { FakeOllama, type FakeOllamaOptions } from '../../support/fake-ollama';
import { FakeOpenAI, type FakeOpenAIOptions } from '../../support/fake-openai';

export const FIXTURE_REPO = join(__dirname, '../../fixtures/engine/repo');
const FAST = { retries: 1, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 5000 };

export async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

export interface Rig {
  index: WorkspaceIndex;
  ollama: FakeOllama;
  openai: FakeOpenAI;
  local: OllamaModel;
  remote: OpenAICompatibleModel;
  close(): Promise<void>;
}

export async function rig(o: { ollama?: FakeOllamaOptions; openai?: FakeOpenAIOptions; localTimeoutMs?: number; remoteModel?: string; remoteKey?: string; root?: string } = {}): Promise<Rig> {
  resetLearnedQuirks();
  const index = await openIndex({ roots: [o.root ?? FIXTURE_REPO], workers: 0 });
  const ollama = await FakeOllama.start(o.ollama);
  const openai = await FakeOpenAI.start(o.openai);
  const local = new OllamaModel({ url: ollama.url, model: 'qwen2.5-coder:3b', timeoutMs: o.localTimeoutMs ?? 10_000, retry: FAST });
  const remote = new OpenAICompatibleModel({ role: 'remote', url: openai.url, model: o.remoteModel ?? 'gpt-4o-mini', apiKey: o.remoteKey ?? openai.apiKey, retry: { ...FAST, retries: 2 } });
  return {
    index, ollama, openai, local, remote,
    async close() {
      await Promise.all([ollama.close(), openai.close(), index.dispose()]);
    },
  };
}

/** Every source line of the fixture repo that identifies code (for "no code reached the remote" checks). */
export function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}
