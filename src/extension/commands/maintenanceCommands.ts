// Rebuild Index, Show Log, Reset Cost Counter, Check Setup (the walkthrough's button).
import * as vscode from 'vscode';
import { isCancellation, toMinionsError } from '../../core/errors';
import type { Services } from './services';

export function registerMaintenanceCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('minions.rebuildIndex', async () => {
      try {
        const handle = await s.index.rebuild();
        const st = handle.index.stats;
        void vscode.window.showInformationMessage(`Minions: index rebuilt — ${st.files} files, ${st.chunks} chunks in ${(st.ms / 1000).toFixed(1)} s.`);
        return st;
      } catch (err) {
        if (isCancellation(err)) return undefined;
        void vscode.window.showErrorMessage(`Minions: ${toMinionsError(err).toUserString()}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('minions.showLog', () => s.log.show()),
    vscode.commands.registerCommand('minions.resetCostCounter', async () => {
      await s.statusBar.reset();
      void vscode.window.showInformationMessage('Minions: the cost counter is reset to $0.00.');
    }),
    vscode.commands.registerCommand('minions.checkSetup', () => s.setup.check({ quietWhenOk: false })),
  ];
}
