// What several extension-host suites share and that registers no tests: the extension's API,
// and the scripted loopback model servers wired in through the settings for one body.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MinionsApi } from '../../../src/extension/extension';
import { startScriptedServers, FAKE_KEY, LOCAL_MODEL, REMOTE_MODEL, type ScriptedServers } from './suites/host-fakes';

export const EXTENSION_ID = 'minions-dev.minions-vscode';

export async function minionsApi(): Promise<MinionsApi> {
  const ext = vscode.extensions.getExtension<MinionsApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return await ext.activate();
}

const SETTINGS: [string, (s: ScriptedServers) => unknown][] = [
  ['local.url', (s) => s.ollama.url],
  ['local.model', () => LOCAL_MODEL],
  ['remote.baseUrl', (s) => s.openai.url],
  ['remote.model', () => REMOTE_MODEL],
  ['protocol', () => 'minions'],
  // The suites count and cancel local requests: none may be answered from the job cache.
  ['cache.jobs', () => false],
];

/**
 * Points the extension at fresh scripted servers for `body` (with the test key unless `withKey`
 * is false, and any `extra` settings), then restores settings, key and servers.
 */
export async function withServers(body: (s: ScriptedServers) => Promise<void>, options: { withKey?: boolean; extra?: [string, unknown][] } = {}): Promise<void> {
  const { withKey = true, extra = [] } = options;
  const servers = await startScriptedServers();
  const config = vscode.workspace.getConfiguration('minions');
  try {
    for (const [key, value] of SETTINGS) await config.update(key, value(servers), vscode.ConfigurationTarget.Global);
    for (const [key, value] of extra) await config.update(key, value, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(withKey ? 'minions.setApiKey' : 'minions.clearApiKey', ...(withKey ? [FAKE_KEY] : []));
    await body(servers);
  } finally {
    for (const [key] of [...SETTINGS, ...extra]) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('minions.clearApiKey');
    await servers.close();
  }
}
