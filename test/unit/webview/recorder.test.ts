// The panel's run recorder, without VS Code: it keeps recording with no panel open, shows a
// live run as running in the history, redacts keys before anyone keeps an event, and saves
// the finished run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RunRecorder, type RecorderListener } from '../../../src/extension/panel/recorder';
import type { HistoryStorage, ShownRunStore } from '../../../src/extension/panel/history';
import type { RunEvent } from '../../../src/core/protocol/events';
import type { RunSummary } from '../../../src/shared/messages';
import { sampleRun } from './fixtures';

function storage(): HistoryStorage & { files: Map<string, RunEvent[]> } {
  const files = new Map<string, RunEvent[]>();
  let index: RunSummary[] | undefined;
  return {
    files,
    readIndex: () => index,
    writeIndex: async (runs) => { index = structuredClone(runs); },
    readRun: async (id) => files.get(id),
    writeRun: async (id, events) => { files.set(id, structuredClone(events)); },
    deleteRun: async (id) => { files.delete(id); },
  };
}

function shownStore(): ShownRunStore & { value?: string } {
  const s: ShownRunStore & { value?: string } = { read: async () => s.value, write: async (id) => { s.value = id; } };
  return s;
}

describe('run recorder', () => {
  test('records with no panel, shows the live run as running, redacts, then saves the finished run', async () => {
    const key = 'my-remote-key-0123456789';
    const shown = shownStore();
    const recorder = new RunRecorder(storage(), shown, { secrets: () => [key], snapshotMs: 10 });
    const events = sampleRun(2);
    // Without a listener (panel closed) the run is still recorded.
    for (const e of events.slice(0, 4)) recorder.record('run-1', e);
    assert.equal(recorder.liveRunId, 'run-1');
    assert.equal(shown.value, 'run-1');
    const saved: RunSummary[][] = [];
    const seen: RunEvent[] = [];
    const listener: RecorderListener = { event: (_id, e) => seen.push(e), history: (runs) => saved.push(runs), saveFailed: (err) => { throw err; } };
    recorder.listener = listener;
    // The snapshot saved at run-started reaches the history as running, not interrupted.
    await waitUntil(() => recorder.history.has('run-1'));
    assert.equal(recorder.historyForPage()[0]?.outcome, 'running');
    assert.equal(await recorder.remove('run-1'), false, 'the live run cannot be deleted');
    await recorder.secrets();
    recorder.record('run-1', { type: 'error', fatal: false, error: { code: 'remote-key-rejected', message: `key ${key} refused` } });
    assert.ok(!JSON.stringify(seen).includes(key), 'the key reached the panel');
    for (const e of events.slice(4)) recorder.record('run-1', e);
    assert.equal(recorder.liveRunId, undefined);
    await waitUntil(() => saved.some((runs) => runs[0]?.outcome === 'ok'));
    assert.equal(recorder.historyForPage()[0]?.outcome, 'ok');
    assert.ok(!JSON.stringify(await recorder.eventsOf('run-1')).includes(key));
    assert.match((await recorder.exportMarkdown('run-1')) ?? '', /Where is the retry policy\?/);
  });
});

async function waitUntil(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the recorder');
    await new Promise((r) => setTimeout(r, 5));
  }
}
