// Select Local Model (lists the local server's models, offers a pull), Pull Model (with
// progress and cancel), Select Protocol.
import * as vscode from 'vscode';
import { isCancellation, toMinionsError } from '../../core/errors';
import { currentSettings, updateSetting } from '../config';
import { connectionGist } from '../setupAdvice';
import type { ProtocolName } from '../../core/protocol/events';
import type { Services } from './services';

const PROTOCOLS: { id: ProtocolName | 'auto'; label: string; detail: string }[] = [
  { id: 'auto', label: 'Auto', detail: 'Counts what remote-only and MinionS would send for each question and scope, and runs the cheaper (default).' },
  { id: 'minions', label: 'MinionS', detail: 'Remote plans, local model reads chunks in parallel, remote answers. Cheapest for good answers on real repositories.' },
  { id: 'minion', label: 'Minion', detail: 'The remote chats with the local model that holds the best chunks. Cheaper still, less accurate.' },
  { id: 'remote', label: 'Remote only', detail: 'The remote model reads the relevant code itself. Most expensive; the baseline.' },
  { id: 'local', label: 'Local only', detail: 'The local model answers alone. Free, weakest on large questions.' },
];

export function registerModelCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('minions.selectLocalModel', async () => {
      const settings = currentSettings();
      let models: string[];
      try {
        models = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Minions: listing local models' },
          () => s.core.listLocalModels(settings.local, AbortSignal.timeout(5000)));
      } catch (err) {
        await s.setup.show({
          severity: 'error',
          message: `Cannot list the local models: ${settings.local.provider === 'ollama' ? 'Ollama' : 'the local server'} is not reachable at ${settings.local.url} (${connectionGist(err)}). Start it (\`ollama serve\`) or change minions.local.url.`,
          actions: [{ label: 'How to Start Ollama', action: 'ollamaInstructions' }, { label: 'Open Settings', action: 'openSettings' }],
        });
        return;
      }
      const PULL = '$(cloud-download) Pull a model...';
      const items: vscode.QuickPickItem[] = models.map((m) => ({ label: m, description: m === settings.local.model ? 'current' : undefined }));
      if (settings.local.provider === 'ollama') items.push({ label: PULL, alwaysShow: true });
      const pick = await vscode.window.showQuickPick(items, {
        title: 'Minions: Select Local Model',
        placeHolder: models.length ? `The model that reads the code (now: ${settings.local.model})` : 'The local server has no models yet: pull one',
      });
      if (!pick) return;
      if (pick.label === PULL) {
        const name = await vscode.window.showInputBox({ title: 'Minions: Pull a model into Ollama', value: settings.local.model, prompt: 'Model name, e.g. qwen2.5-coder:3b or llama3.2:3b' });
        if (name?.trim()) await vscode.commands.executeCommand('minions.pullModel', name.trim(), true);
        return;
      }
      await updateSetting('local.model', pick.label);
      void vscode.window.showInformationMessage(`Minions: the local model is now ${pick.label}.`);
    }),

    vscode.commands.registerCommand('minions.pullModel', async (model?: unknown, select?: unknown): Promise<boolean> => {
      const settings = currentSettings();
      const name = typeof model === 'string' && model.trim() ? model.trim() : settings.local.model;
      const abort = new AbortController();
      try {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Minions: pulling ${name}`, cancellable: true },
          async (progress, token) => {
            token.onCancellationRequested(() => abort.abort());
            let lastPct = 0;
            await s.core.pullLocalModel(settings.local, name, (p) => {
              const pct = p.total ? Math.floor((100 * (p.completed ?? 0)) / p.total) : lastPct;
              progress.report({ increment: Math.max(0, pct - lastPct), message: p.total ? `${p.status} ${pct}%` : p.status });
              lastPct = Math.max(lastPct, pct);
            }, abort.signal);
          },
        );
      } catch (err) {
        if (isCancellation(err) || abort.signal.aborted) {
          void vscode.window.showInformationMessage(`Minions: the pull of ${name} was cancelled.`);
          return false;
        }
        const e = toMinionsError(err, 'local-unreachable');
        s.log.error(`pull ${name}: ${e.toUserString()}`);
        void vscode.window.showErrorMessage(`Minions could not pull ${name}: ${e.toUserString()}`, 'Show Log').then((p) => p && s.log.show());
        return false;
      }
      s.log.info(`pulled ${name}`);
      if (select === true || name !== settings.local.model) await updateSetting('local.model', name);
      void vscode.window.showInformationMessage(`Minions: ${name} is ready and selected as the local model.`);
      return true;
    }),

    vscode.commands.registerCommand('minions.selectProtocol', async () => {
      const current = currentSettings().protocol;
      const pick = await vscode.window.showQuickPick(
        PROTOCOLS.map((p) => ({ label: p.label, detail: p.detail, description: p.id === current ? 'current' : undefined, id: p.id })),
        { title: 'Minions: Select Protocol', placeHolder: 'How the local and remote models share the work' },
      );
      if (!pick) return;
      await updateSetting('protocol', pick.id);
    }),
  ];
}
