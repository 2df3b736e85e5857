// Full runs inside a real VS Code: the index built for the fixture workspace, Ask through the
// command reaching the panel with the servers' usage in the ledger and the status bar,
// Analyze scoped to a folder, Cancel stopping a slow run. The loopback model servers run in
// the extension host's own process and are stopped whatever happens.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { minionsApi, withServers } from '../host-support';
import { waitFor } from '../wait';
import { schemaNameOf } from '../../../support/fake-openai';
import { excerptOf, ANSWER, FAKE_KEY } from './host-fakes';
import type { AskResult } from '../../../../src/extension/runController';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('minions.panel'));
}

suite('host run', () => {
  test('the index is built for the fixture workspace', async () => {
    const { services } = await minionsApi();
    const handle = await services.index.ensure();
    const stats = handle.index.stats;
    assert.ok(stats.files >= 4, `indexed ${stats.files} files`);
    const paths = handle.index.files().map((f) => f.path).sort();
    for (const p of ['README.md', 'src/greeter.ts', 'src/rate_limiter.py', 'src/retry.ts']) assert.ok(paths.includes(p), `${p} not indexed (${paths.join(', ')})`);
    assert.ok(handle.index.chunksOf('src/retry.ts').length >= 1);
    assert.equal(handle.index.search('retry delay attempt', { top: 1 })[0]?.chunk.path, 'src/retry.ts');
  }, { timeoutMs: 60_000 });

  test('Ask runs MinionS against the loopback servers and reaches the panel, the ledger and the status bar', async () => {
    const { services } = await minionsApi();
    await services.statusBar.reset();
    const before = services.statusBar.text;
    await withServers(async (s) => {
      const outcome = await vscode.commands.executeCommand<AskResult>('minions.ask', 'How does the retry policy back off?');
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      assert.equal(outcome.answer, ANSWER);
      assert.ok(panelTabs().length === 1, 'the panel is open');
      // The ledger holds exactly what the servers reported.
      assert.equal(outcome.ledger?.remote.requests, s.openai.reported.requests);
      assert.equal(outcome.ledger?.remote.promptTokens, s.openai.reported.promptTokens);
      assert.equal(outcome.ledger?.local.requests, s.ollama.reported.requests);
      assert.equal(outcome.ledger?.local.promptTokens, s.ollama.reported.promptTokens);
      assert.ok(s.ollama.chatBodies().some((b) => excerptOf(b)?.path === 'src/retry.ts'), 'the local worker read src/retry.ts');
      // The key went to the remote as a bearer token and nowhere else.
      assert.ok(s.ollama.requests.every((r) => !JSON.stringify(r.headers).includes(FAKE_KEY) && !r.rawBody.includes(FAKE_KEY)));
      assert.equal(services.statusBar.current.runs, 1);
      assert.notEqual(services.statusBar.text, before, 'the status-bar counter changed');
    });
  }, { timeoutMs: 90_000 });

  test('Analyze with Minions on a folder limits every local job to it', async () => {
    await withServers(async (s) => {
      const src = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src');
      const outcome = await vscode.commands.executeCommand<AskResult>('minions.analyze', src, [src], { template: 'explain' });
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      const read = s.ollama.chatBodies().map((b) => excerptOf(b)?.path);
      assert.ok(read.length > 0, 'no local jobs ran');
      for (const p of read) assert.ok(p?.startsWith('src/'), `a job read ${p}, outside the scope`);
      const plan = s.openai.chatBodies()[0]!.messages.map((m) => m.content).join('\n');
      assert.match(plan, /Explain src/);
    });
  }, { timeoutMs: 90_000 });

  test('Cancel Run stops a slow run and closes its connections', async () => {
    const { services } = await minionsApi();
    await withServers(async (s) => {
      s.setJobDelay(60_000);
      const running = vscode.commands.executeCommand<AskResult>('minions.ask', 'How does the retry policy back off?');
      await waitFor(() => (s.ollama.requests.some((r) => r.path === '/api/chat' && !r.closed) ? true : undefined), 'a local job to start', 20_000);
      await vscode.commands.executeCommand('minions.cancelRun');
      // The jobs are scripted to take a minute: an outcome before that means the cancel stopped them.
      const outcome = await running;
      assert.equal(outcome.status, 'cancelled', JSON.stringify(outcome));
      await waitFor(() => (s.ollama.requests.filter((r) => r.path === '/api/chat').every((r) => r.closed) ? true : undefined), 'every local request to close', 5000);
      assert.ok(s.ollama.requests.some((r) => r.abortedByClient), 'no request was aborted by the client');
      assert.equal(services.runs.running, false);
    });
  }, { timeoutMs: 90_000 });

  test('a synthesis that fails after the jobs ran ends partial in the history; Retry answer answers from its findings, no local request', async () => {
    const { services } = await minionsApi();
    await withServers(async (s) => {
      const scripted = s.openai.chat;
      s.openai.chat = (body, req) => (schemaNameOf(body) === 'minions_synthesis' ? { content: 'not json' } : scripted(body, req));
      const failed = await vscode.commands.executeCommand<AskResult>('minions.ask', 'How does the retry policy back off?');
      assert.equal(failed.status, 'failed', JSON.stringify(failed));
      const runId = failed.runId!;
      const info = () => vscode.commands.executeCommand<{ history: { runId: string; outcome: string }[] }>('minions.test.panelInfo');
      await waitFor(async () => ((await info()).history.find((r) => r.runId === runId)?.outcome === 'partial' ? true : undefined), 'the partial run in the history', 10_000);
      s.openai.chat = scripted;
      const localBefore = s.ollama.requests.length;
      const accepted = await vscode.commands.executeCommand('minions.test.panelMessage', { type: 'retry-answer', runId });
      assert.equal(accepted, 'accepted');
      await waitFor(() => (services.runs.lastOutcome?.runId && services.runs.lastOutcome.runId !== runId ? true : undefined), 'the retried run to end', 20_000);
      const retried = services.runs.lastOutcome!;
      assert.equal(retried.status, 'finished', JSON.stringify(retried));
      assert.equal(retried.answer, ANSWER);
      assert.deepEqual(s.ollama.requests.slice(localBefore).map((r) => `${r.method} ${r.path}`), [], 'the local server saw no request');
    });
  }, { timeoutMs: 90_000 });

  test('the log has a line per model call (role, model, tokens, ms) and never the key', async () => {
    const { services } = await minionsApi();
    await withServers(async () => {
      const outcome = await vscode.commands.executeCommand<AskResult>('minions.ask', 'How does the retry policy back off?');
      assert.equal(outcome.status, 'finished');
    });
    const lines = services.log.recent();
    assert.ok(lines.some((l) => /\[remote\] gpt-4\.1 \S+ \d+ in \/ \d+ out tok \d+ ms ok/.test(l)), 'no remote model-call line');
    assert.ok(lines.some((l) => /\[local\] qwen2\.5-coder:3b \S+ \d+ in \/ \d+ out tok \d+ ms ok/.test(l)), 'no local model-call line');
    assert.ok(lines.some((l) => /\[run\] finished ok=true/.test(l)));
    assert.ok(lines.every((l) => !l.includes(FAKE_KEY)), 'the key reached the log');
  }, { timeoutMs: 90_000 });

  test('Pull Local Model streams Ollama\'s progress and selects the model', async () => {
    await withServers(async (s) => {
      const ok = await vscode.commands.executeCommand<boolean>('minions.pullModel', 'llama3.2:1b');
      assert.equal(ok, true);
      const pull = s.ollama.requests.find((r) => r.path === '/api/pull');
      const body = pull?.body as { model?: string; name?: string } | undefined;
      assert.equal(body?.model ?? body?.name, 'llama3.2:1b');
      assert.equal(vscode.workspace.getConfiguration('minions').get('local.model'), 'llama3.2:1b');
    });
    await vscode.workspace.getConfiguration('minions').update('local.model', undefined, vscode.ConfigurationTarget.Global);
  }, { timeoutMs: 60_000 });

  test('the file watcher keeps the index fresh: a new file is found, a deleted one is dropped', async () => {
    const { services } = await minionsApi();
    await services.index.ensure();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const probe = join(root, 'src', 'zz_watcher_probe.ts');
    const token = 'quuxWatcherProbeToken';
    const found = () => services.index.current?.index.search(token, { top: 1 })[0]?.chunk.path === 'src/zz_watcher_probe.ts';
    try {
      writeFileSync(probe, `export const ${token} = 42;\n`);
      await waitFor(() => (found() ? true : undefined), 'the new file in the index', 15_000);
    } finally {
      rmSync(probe, { force: true });
    }
    await waitFor(() => (found() ? undefined : true), 'the deleted file to leave the index', 15_000);
  }, { timeoutMs: 60_000 });

  test('Rebuild Index drops the cache and builds again', async () => {
    const { services } = await minionsApi();
    await services.index.ensure();
    const cacheDir = services.index.cacheDir();
    const stats = await vscode.commands.executeCommand<{ files: number; chunks: number }>('minions.rebuildIndex');
    assert.ok(stats && stats.files >= 4 && stats.chunks >= 4, JSON.stringify(stats));
    assert.ok(services.index.current, 'no index after the rebuild');
    await waitFor(() => (existsSync(cacheDir) && readdirSync(cacheDir).length > 0 ? true : undefined), 'the cache to be written again', 10_000);
  }, { timeoutMs: 60_000 });

  test('Analyze with Minions on an editor selection asks about those lines of that file only', async () => {
    await withServers(async (s) => {
      const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'retry.ts');
      const editor = await vscode.window.showTextDocument(uri);
      editor.selection = new vscode.Selection(1, 0, 4, 10);
      const outcome = await vscode.commands.executeCommand<AskResult>('minions.analyzeSelection', uri, { template: 'bugs' });
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      const plan = s.openai.chatBodies()[0]!.messages.map((m) => m.content).join('\n');
      assert.match(plan, /Find likely bugs in lines 2-5 of src\/retry\.ts/);
      const read = s.ollama.chatBodies().map((b) => excerptOf(b)?.path);
      assert.ok(read.length > 0 && read.every((p) => p === 'src/retry.ts'), `jobs read ${read.join(', ')}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  }, { timeoutMs: 90_000 });
});
