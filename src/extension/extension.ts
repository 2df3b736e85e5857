import * as vscode from 'vscode';
import { MinionsPanel, registerPanelSerializer, type PanelActions } from './panel';

export function activate(context: vscode.ExtensionContext): void {
  // Placeholder actions until the host wires runs in (the host engineer owns this file).
  const actions: PanelActions = { ask: () => undefined, cancel: () => undefined, openCitation: () => undefined };
  context.subscriptions.push(
    registerPanelSerializer(context, actions),
    vscode.commands.registerCommand('minions.showPanel', () => MinionsPanel.show(context, actions)),
    vscode.commands.registerCommand('minions.ask', async () => {
      MinionsPanel.show(context, actions);
    }),
  );
}

export function deactivate(): void {}
