// Set / Clear Remote API Key. The key goes straight into SecretStorage; setting it checks it
// against the remote once so a typo is caught now rather than mid-run.
import * as vscode from 'vscode';
import { currentSettings } from '../config';
import { KEY_ENV_VARS } from '../secrets';
import type { Services } from './services';

export function registerKeyCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('minions.setApiKey', async (value?: unknown): Promise<boolean> => {
      const remote = currentSettings().remote;
      const key = typeof value === 'string' ? value : await vscode.window.showInputBox({
        title: 'Minions: Set Remote API Key',
        prompt: `The API key for ${remote.baseUrl} (model ${remote.model}). It is kept in VS Code's secret storage, never in settings or logs.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Paste the key' : /\s/.test(v.trim()) ? 'A key has no spaces' : undefined),
      });
      if (key === undefined || key.trim() === '') return false;
      await s.keys.set(key);
      s.log.setSecrets([key.trim()]);
      s.setup.forgetRemoteChecks();
      s.log.info('remote API key stored in secret storage');
      if (typeof value !== 'string') {
        // Check it now, without blocking the command (a slow remote should not hold the UI).
        void s.core.checkRemote(remote, key.trim(), AbortSignal.timeout(15000)).then(
          (r) => r.ok
            ? vscode.window.showInformationMessage(`Minions: the key is stored and ${remote.baseUrl} accepted it.`)
            : vscode.window.showWarningMessage(`Minions: the key is stored, but ${remote.baseUrl} did not accept it: ${r.message}.${r.hint ? ' ' + r.hint : ''}`, 'Set API Key')
              .then((p) => p && vscode.commands.executeCommand('minions.setApiKey')),
          () => undefined,
        );
      }
      return true;
    }),

    vscode.commands.registerCommand('minions.clearApiKey', async () => {
      await s.keys.clear();
      s.setup.forgetRemoteChecks();
      const { source } = await s.keys.get();
      s.log.info('remote API key cleared from secret storage');
      void vscode.window.showInformationMessage(source === 'environment'
        ? `Minions: the stored key is cleared; ${KEY_ENV_VARS.join(' or ')} is still set in the environment and will be used.`
        : 'Minions: the remote API key is cleared.');
    }),
  ];
}
