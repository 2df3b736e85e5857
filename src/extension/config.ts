// Reads the `minions.*` settings through settings.ts' validation. Every consumer calls
// `currentSettings()` when it needs a value (never caches it), so a change takes effect on the
// next use without a reload; `onSettingsChanged` tells the parts that hold state (the index,
// the status bar) to rebuild.

import * as vscode from 'vscode';
import { readSettings, changedAreas, type MinionsSettings } from './settings';

export function currentSettings(): MinionsSettings {
  const config = vscode.workspace.getConfiguration('minions');
  return readSettings((key) => {
    const inspected = config.inspect(key);
    // `get` would return the manifest default too; reading it is the same, but an undefined
    // (unknown key) must fall through to settings.ts' defaults.
    return inspected === undefined ? undefined : config.get(key);
  });
}

export function onSettingsChanged(listener: (areas: ReturnType<typeof changedAreas>) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const areas = changedAreas((section) => e.affectsConfiguration(section));
    if (areas.any) listener(areas);
  });
}

/** Writes one setting at the most specific scope that already defines it (workspace if set there, else user). */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('minions');
  const inspected = config.inspect(key);
  const target = inspected?.workspaceFolderValue !== undefined
    ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
