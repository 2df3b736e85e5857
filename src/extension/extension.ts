import * as vscode from 'vscode';
import { MinionsPanel } from './panel';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('minions.showPanel', () => MinionsPanel.show(context)),
    vscode.commands.registerCommand('minions.ask', async () => {
      MinionsPanel.show(context);
    }),
  );
}

export function deactivate(): void {}
