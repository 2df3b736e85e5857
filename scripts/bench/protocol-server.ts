// bench:protocol helper: the fixed-latency loopback Ollama in a process of its own, so the
// scheduler figure measures the engine and not the fake server sharing its event loop (in
// real use Ollama is a separate process too). Started by protocol.ts with fork(); it reports
// its URL over IPC, answers /api/chat with P slots after a fixed delay, sends back its
// counters when asked and exits when its parent says so or goes away.
import { FakeOllama } from '../../test/support/fake-ollama';

interface Start {
  slots: number;
  latencyMs: number;
  content: string;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as Start;
  const ollama = await FakeOllama.start({ slots: cfg.slots, chat: () => ({ delayMs: cfg.latencyMs, content: cfg.content }) });
  const stop = async () => {
    await ollama.close();
    process.exit(0);
  };
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') process.send!({ type: 'stats', reported: ollama.reported, peak: ollama.slots?.peak ?? 0 });
    if (m.type === 'stop') void stop();
  });
  // The parent died without saying stop: never outlive it.
  process.on('disconnect', () => void stop());
  process.send!({ type: 'ready', url: ollama.url });
}

void main();
