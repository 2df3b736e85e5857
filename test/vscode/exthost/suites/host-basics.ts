// The extension host's basics inside a real VS Code: activation, every command registered,
// settings read and updated without a reload, the API key's SecretStorage round trip, the
// status-bar cost counter, setup checks against a closed port, citation opening.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { DEFAULT_SETTINGS } from '../../../../src/extension/settings';
import type { LedgerSnapshot } from '../../../../src/core/ledger/types';
import { waitFor } from '../wait';
import { EXTENSION_ID, minionsApi } from '../host-support';

const REPO_ROOT = join(__dirname, '../..');

export { minionsApi };

/** A port that refuses connections: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const HOST_COMMANDS = [
  'minions.ask', 'minions.analyze', 'minions.analyzeSelection', 'minions.showPanel', 'minions.cancelRun', 'minions.rebuildIndex',
  'minions.setApiKey', 'minions.clearApiKey', 'minions.selectLocalModel', 'minions.pullModel', 'minions.selectProtocol',
  'minions.showLog', 'minions.resetCostCounter', 'minions.checkSetup',
];

suite('host', () => {
  test('activates and reports its activation time', async () => {
    const api = await minionsApi();
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0);
    // The figure for the report (test-artifacts/ is the harness's output folder).
    const line = `activate() ${api.activationMs.toFixed(2)} ms\n`;
    console.log(`MINIONS_ACTIVATION ${line}`);
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-artifacts', 'host-activation.txt'), line);
  });

  test('registers every command of the manifest', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of HOST_COMMANDS) assert.ok(registered.has(id), `${id} is not registered`);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    for (const { command } of manifest.contributes.commands) assert.ok(registered.has(command), `${command} is in the manifest but not registered`);
  });

  test('the manifest defaults match the code defaults', () => {
    const config = vscode.workspace.getConfiguration('minions');
    assert.equal(config.inspect('local.url')?.defaultValue, DEFAULT_SETTINGS.local.url);
    assert.equal(config.inspect('local.model')?.defaultValue, DEFAULT_SETTINGS.local.model);
    assert.equal(config.inspect('remote.baseUrl')?.defaultValue, DEFAULT_SETTINGS.remote.baseUrl);
    assert.equal(config.inspect('remote.model')?.defaultValue, DEFAULT_SETTINGS.remote.model);
    assert.equal(config.inspect('protocol')?.defaultValue, DEFAULT_SETTINGS.protocol);
    assert.equal(config.inspect('maxRounds')?.defaultValue, DEFAULT_SETTINGS.maxRounds);
    assert.equal(config.inspect('local.parallelJobs')?.defaultValue, DEFAULT_SETTINGS.local.parallelJobs);
    assert.equal(config.inspect('index.maxFileBytes')?.defaultValue, DEFAULT_SETTINGS.index.maxFileBytes);
    assert.equal(config.inspect('privacy')?.defaultValue, DEFAULT_SETTINGS.privacy);
  });

  test('a settings change takes effect without a reload', async () => {
    const { services } = await minionsApi();
    const config = () => vscode.workspace.getConfiguration('minions');
    try {
      await config().update('local.url', 'http://127.0.0.1:1/', vscode.ConfigurationTarget.Global);
      await config().update('protocol', 'remote', vscode.ConfigurationTarget.Global);
      const facts = await services.setup.gather();
      assert.equal(facts.localUrl, 'http://127.0.0.1:1');
      assert.equal(facts.protocol, 'remote');
      assert.equal(facts.local, undefined, 'the remote-only protocol does not check the local server');
    } finally {
      await config().update('local.url', undefined, vscode.ConfigurationTarget.Global);
      await config().update('protocol', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal((await services.setup.gather()).localUrl, DEFAULT_SETTINGS.local.url);
  });

  test('the API key round-trips through SecretStorage and never lands in settings', async () => {
    const { services } = await minionsApi();
    const key = 'sk-roundtrip-0123456789abcdef';
    assert.equal(await vscode.commands.executeCommand('minions.setApiKey', key), true);
    assert.deepEqual(await services.keys.get(), { key, source: 'secret-storage' });
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('minions')).includes(key), 'the key is in the settings');
    await vscode.commands.executeCommand('minions.clearApiKey');
    const after = await services.keys.get();
    assert.notEqual(after.source, 'secret-storage');
    assert.notEqual(after.key, key);
  });

  test('Ollama down: the setup check names the URL and the refused connection', async () => {
    const { services } = await minionsApi();
    const port = await closedPort();
    const config = vscode.workspace.getConfiguration('minions');
    try {
      await config.update('local.url', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
      const facts = await services.setup.gather();
      assert.deepEqual(facts.local, { reachable: false, error: 'ECONNREFUSED' });
    } finally {
      await config.update('local.url', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('the status-bar counter adds a run, persists it, and resets', async () => {
    const { services } = await minionsApi();
    const { statusBar, context } = services;
    await statusBar.reset();
    assert.equal(statusBar.text, '$(hubot) $0.00 · saved $0.00');
    const ledger: LedgerSnapshot = {
      local: { requests: 6, promptTokens: 6000, completionTokens: 300 },
      remote: { requests: 2, promptTokens: 1500, cachedPromptTokens: 0, completionTokens: 200, costUsd: 0.03 },
      baseline: { remotePromptTokens: 30000, remoteCompletionTokens: 200, costUsd: 0.44 },
      savings: { costUsd: 0.41, ratio: 14.7 },
    };
    await statusBar.recordRun(ledger);
    assert.equal(statusBar.text, '$(hubot) $0.03 · saved $0.41');
    const stored = context.workspaceState.get<{ runs: number }>('minions.costTotals');
    assert.equal(stored?.runs, 1);
    await vscode.commands.executeCommand('minions.resetCostCounter');
    assert.equal(statusBar.text, '$(hubot) $0.00 · saved $0.00');
    // While the index builds, the same item shows its progress, then the counter again.
    statusBar.setIndexing({ done: 3, total: 10 });
    assert.equal(statusBar.text, '$(sync~spin) Minions: indexing 3/10');
    statusBar.setIndexing(undefined);
    assert.equal(statusBar.text, '$(hubot) $0.00 · saved $0.00');
  });

  test('a citation opens the file at its lines; a path outside the workspace is refused', async () => {
    const api = await minionsApi();
    api.actions.openCitation({ path: 'src/retry.ts', startLine: 4, endLine: 6 });
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.path.endsWith('/src/retry.ts') ? e : undefined;
    }, 'retry.ts to open');
    assert.equal(editor.selection.start.line, 3);
    assert.equal(editor.selection.end.line, 5);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    api.actions.openCitation({ path: '../../../etc/passwd', startLine: 1, endLine: 1 });
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!vscode.window.activeTextEditor?.document.uri.path.endsWith('/etc/passwd'), 'a path outside the workspace was opened');
  });
});
