// The extension's basics, checked inside a real VS Code extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { waitFor } from '../wait';

const EXTENSION_ID = 'minions-dev.minions-vscode';

function webviewTabs(viewTypeSuffix: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewTypeSuffix));
}

suite('extension', () => {
  test('activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers its commands', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['minions.ask', 'minions.showPanel']) assert.ok(commands.has(id), `command ${id} is not registered`);
  });

  test('minions.showPanel opens a webview tab titled "Minions"', async () => {
    await vscode.commands.executeCommand('minions.showPanel');
    const tab = await waitFor(() => webviewTabs('minions.panel')[0], 'the Minions webview tab');
    assert.equal(tab.label, 'Minions');
    // Running it again reveals the same panel rather than opening a second one.
    await vscode.commands.executeCommand('minions.showPanel');
    assert.equal(webviewTabs('minions.panel').length, 1);
    await vscode.window.tabGroups.close(tab);
  });
});
