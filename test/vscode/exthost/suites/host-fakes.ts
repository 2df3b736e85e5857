// Loopback model servers scripted for a MinionS run over test/fixtures/workspace: the remote
// plans one task about retries and answers citing src/retry.ts; the local worker finds the
// backoff in src/retry.ts and abstains everywhere else. Shared by the extension-host run suite
// (which starts them inside the extension host) and the e2e test (which starts them outside
// and points the packaged extension at them through workspace settings). Registers no tests.
import { FakeOllama, type OllamaChatBody } from '../../../support/fake-ollama';
import { FakeOpenAI, schemaNameOf } from '../../../support/fake-openai';

export const FAKE_KEY = 'sk-minions-e2e-0123456789';
export const LOCAL_MODEL = 'qwen2.5-coder:3b';
export const REMOTE_MODEL = 'gpt-4.1';
export const ANSWER = 'The retry policy lives in `withRetry` (src/retry.ts:2-12): it tries up to 3 times and doubles the delay after each failure (src/retry.ts:9).';

export interface ScriptedServers {
  ollama: FakeOllama;
  openai: FakeOpenAI;
  /** Delay of every local job in ms (raise it for a slow run to cancel or to catch mid-run). */
  setJobDelay(ms: number): void;
  close(): Promise<void>;
}

/** The file and first line of the excerpt a job shows (from the engine's "File: path (lines a-b" header). */
export function excerptOf(body: OllamaChatBody): { path: string; startLine: number } | undefined {
  const user = body.messages.map((m) => m.content).join('\n');
  const m = /File: (\S+) \(lines (\d+)-(\d+)/.exec(user);
  return m ? { path: m[1]!, startLine: Number(m[2]) } : undefined;
}

export async function startScriptedServers(): Promise<ScriptedServers> {
  let jobDelayMs = 0;
  const ollama = await FakeOllama.start({
    models: [LOCAL_MODEL],
    slots: 4,
    chat: (body) => {
      const excerpt = excerptOf(body);
      const relevant = excerpt?.path.endsWith('src/retry.ts') ?? false;
      const content = relevant
        ? JSON.stringify({ relevant: true, finding: 'withRetry retries up to `attempts` times and doubles the delay after each failure.', lines: [excerpt!.startLine + 8], quote: 'delayMs * 2 ** attempt' })
        : JSON.stringify({ relevant: false, finding: '', lines: [], quote: '' });
      return { content, delayMs: jobDelayMs };
    },
  });
  let openai: FakeOpenAI;
  try {
    openai = await FakeOpenAI.start({
      apiKey: FAKE_KEY,
      models: [REMOTE_MODEL, 'gpt-4o'],
      chat: (body) => {
        switch (schemaNameOf(body)) {
          case 'minions_plan':
            return { content: JSON.stringify({ tasks: [{ instruction: 'Find where failed operations are retried and how the delay between attempts grows.', keywords: ['retry', 'delay', 'attempt', 'backoff'], globs: [] }], advice: 'Cite the exact lines.' }) };
          case 'minions_synthesis':
            return { content: JSON.stringify({ decision: 'answer', answer: ANSWER, missing: '' }) };
          default:
            return { content: JSON.stringify({ answer: ANSWER }) };
        }
      },
    });
  } catch (err) {
    await ollama.close();
    throw err;
  }
  return {
    ollama,
    openai,
    setJobDelay: (ms) => { jobDelayMs = ms; },
    close: async () => { await Promise.allSettled([ollama.close(), openai.close()]); },
  };
}
