// The panel host's pure parts: which citations may open, secret redaction, the run history
// (compaction, cap, redaction, summaries) and the Markdown export.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCitationFile } from '../../../src/extension/panel/citation-target';
import { fromIndexPath } from '../../../src/core/index/paths';
import { RunHistory, type HistoryStorage } from '../../../src/extension/panel/history';
import { compactEvents } from '../../../src/shared/run/compact';
import { historySummary } from '../../../src/shared/run/summary';
import { runToMarkdown } from '../../../src/extension/panel/export-markdown';
import type { RunEvent } from '../../../src/core/protocol/events';
import type { RunSummary } from '../../../src/shared/messages';
import { ledger, sampleRun } from './fixtures';

describe('citation targets', () => {
  const roots = [{ name: 'app', fsPath: '/work/app' }];
  const multi = [{ name: 'app', fsPath: '/work/app' }, { name: 'lib', fsPath: '/srv/lib' }];

  test('workspace-relative paths resolve inside the folder', () => {
    assert.equal(fromIndexPath(roots, 'src/a.ts'), '/work/app/src/a.ts');
    assert.equal(fromIndexPath(roots, './src//a.ts'), '/work/app/src/a.ts');
    assert.equal(fromIndexPath(multi, 'lib/x/y.py'), '/srv/lib/x/y.py');
  });

  test('anything that leaves the workspace is refused', () => {
    for (const p of ['/etc/passwd', '../secret.txt', 'src/../../x', 'C:\\Windows\\win.ini', 'file:///etc/passwd',
      'vscode-remote://x/y', '\\\\server\\share', 'a\0b', '', '.', 'src/..']) {
      assert.equal(fromIndexPath(roots, p), undefined, p);
    }
    // Multi-root: the first segment must name a folder, and something must follow it.
    assert.equal(fromIndexPath(multi, 'other/a.ts'), undefined);
    assert.equal(fromIndexPath(multi, 'app'), undefined);
    assert.equal(fromIndexPath([], 'a.ts'), undefined);
  });

  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'minions-cite-'));
    mkdirSync(join(dir, 'ws/src'), { recursive: true });
    writeFileSync(join(dir, 'ws/src/a.ts'), 'x\n');
    writeFileSync(join(dir, 'outside.txt'), 'secret\n');
    symlinkSync(join(dir, 'outside.txt'), join(dir, 'ws/src/link.txt'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a link inside the workspace to a file outside is refused; missing files too', async () => {
    const ws = [{ name: 'ws', fsPath: join(dir, 'ws') }];
    assert.equal(await resolveCitationFile(ws, 'src/a.ts'), join(dir, 'ws/src/a.ts'));
    assert.equal(await resolveCitationFile(ws, 'src/link.txt'), undefined);
    assert.equal(await resolveCitationFile(ws, 'src/missing.ts'), undefined);
  });
});

function memoryStorage(): HistoryStorage & { files: Map<string, RunEvent[]>; index: RunSummary[] | undefined } {
  const files = new Map<string, RunEvent[]>();
  const s = {
    files,
    index: undefined as RunSummary[] | undefined,
    readIndex: () => s.index,
    writeIndex: async (runs: RunSummary[]) => { s.index = JSON.parse(JSON.stringify(runs)) as RunSummary[]; },
    readRun: async (id: string) => files.get(id),
    writeRun: async (id: string, events: RunEvent[]) => { files.set(id, JSON.parse(JSON.stringify(events)) as RunEvent[]); },
    deleteRun: async (id: string) => { files.delete(id); },
  };
  return s;
}

describe('run history', () => {
  test('compaction drops model calls, started jobs that finished and stale usage', () => {
    const events: RunEvent[] = [
      ...sampleRun(3),
      { type: 'model-call', role: 'local', model: 'm', purpose: 'job', usage: { promptTokens: 1, completionTokens: 1 }, ms: 1, ok: true },
    ];
    events.splice(3, 0, { type: 'usage', ledger: ledger(0.5, 1) });
    const compact = compactEvents(events);
    assert.equal(compact.filter((e) => e.type === 'job-started').length, 0);
    assert.equal(compact.filter((e) => e.type === 'model-call').length, 0);
    assert.equal(compact.filter((e) => e.type === 'usage').length, 1);
    assert.equal(compact.filter((e) => e.type === 'job-finished').length, 3);
  });

  test('summaries say how a run ended and what it cost', () => {
    assert.deepEqual(historySummary('run-1', sampleRun(4)), {
      runId: 'run-1', question: 'Where is the retry policy?', protocol: 'minions', startedAt: 1_700_000_000_000,
      outcome: 'ok', ms: 4200, jobs: 4, remoteCostUsd: 0.01, savedUsd: 0.2 - 0.01,
    });
    const cut = historySummary('run-2', sampleRun(4).slice(0, 6));
    assert.equal(cut.outcome, 'interrupted');
    assert.equal(cut.remoteCostUsd, null);
    const cancelled = historySummary('run-3', [...sampleRun(2).slice(0, 5), { type: 'cancelled', ledger: ledger(null, null) }]);
    assert.equal(cancelled.outcome, 'cancelled');
  });

  test('saves newest first, replaces a re-saved run, keeps at most maxRuns and deletes the rest', async () => {
    const storage = memoryStorage();
    const history = new RunHistory(storage, { maxRuns: 2 });
    await history.save('a', sampleRun(1));
    await history.save('b', sampleRun(1));
    await history.save('a', sampleRun(2));
    assert.deepEqual(history.list().map((r) => [r.runId, r.jobs]), [['a', 2], ['b', 1]]);
    await history.save('c', sampleRun(1));
    assert.deepEqual(history.list().map((r) => r.runId), ['c', 'a']);
    assert.deepEqual([...storage.files.keys()].sort(), ['a', 'c']);
    // A new RunHistory over the same storage sees the same list (a window reload).
    assert.deepEqual(new RunHistory(storage).list().map((r) => r.runId), ['c', 'a']);
    assert.equal(await history.remove('a'), true);
    assert.equal(await history.remove('a'), false);
    assert.equal(await history.load('a'), undefined);
    assert.ok(await history.load('c'));
  });

  test('never stores a key, even one echoed in an error', async () => {
    const storage = memoryStorage();
    const key = 'sk-live-SECRETSECRETSECRET123';
    const history = new RunHistory(storage, { secrets: async () => ['hunter2-custom-key'] });
    const events: RunEvent[] = [...sampleRun(1).slice(0, 3),
      { type: 'error', fatal: true, error: { code: 'remote-key-rejected', message: `Incorrect API key provided: ${key}`, hint: 'hunter2-custom-key is wrong' } },
      { type: 'run-finished', ok: false, rounds: 0, ms: 10, ledger: ledger(null, null) }];
    await history.save('k', events);
    const stored = JSON.stringify([...storage.files.values()]) + JSON.stringify(storage.index);
    assert.ok(!stored.includes(key) && !stored.includes('hunter2-custom-key'), stored);
  });

  test('refuses run ids that are not safe file names', async () => {
    const history = new RunHistory(memoryStorage());
    await assert.rejects(history.save('../x', sampleRun(1)));
  });
});

describe('markdown export', () => {
  test('has the question, answer, ledger, plan and findings with citations', () => {
    const md = runToMarkdown('run-1', sampleRun(8));
    assert.match(md, /^# Minions run: Where is the retry policy\?/);
    assert.match(md, /## Answer\n\nThe retry policy is in src\/retry\.ts:10-20\./);
    assert.match(md, /\| Remote \| 3,000 \| 500 \| 2 \| \$0\.01 \|/);
    assert.match(md, /\| Remote-only baseline \| 40,000 \| 500 \| \| \$0\.20 \|/);
    assert.match(md, /Saving: \$0\.19 · 20\.0x cheaper · 95\.0%/);
    assert.match(md, /1\. Find where retries are configured — in `src\/\*\*` — keywords: retry, backoff/);
    assert.match(md, /8 local jobs: 2 answered, 4 abstained, 2 failed\./);
    assert.match(md, /- `src\/file4\.ts:42-43` — Retry count set to 4/);
  });

  test('unknown prices read unknown; errors are listed with their hint', () => {
    const events: RunEvent[] = [...sampleRun(1).slice(0, 3),
      { type: 'error', fatal: true, error: { code: 'remote-rate-limited', message: 'The remote is rate limited', hint: 'Wait a minute' } },
      { type: 'run-finished', ok: false, rounds: 1, ms: 10, ledger: ledger(null, null) }];
    const md = runToMarkdown('r', events);
    assert.match(md, /\| Remote \| .* \| unknown \|/);
    assert.match(md, /## Errors\n\n- The remote is rate limited\. Wait a minute/);
    assert.match(md, /_No answer\._/);
  });
});
