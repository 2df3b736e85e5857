// Activation: wires the long-lived parts together and registers every command. It must stay
// cheap (it runs on startup-finished in every window): nothing here reads files or calls a
// model; the index is built in the background afterwards, and only in a trusted workspace.

import * as vscode from 'vscode';
import { MinionsPanel, pushRunEvent, registerPanelSerializer, type PanelActions } from './panel';
import type { Citation } from '../core/protocol/events';
import { createCore } from './core';
import type { CoreApi } from './coreApi';
import { currentSettings, onSettingsChanged } from './config';
import { MinionsLog } from './log';
import { ApiKeyStore } from './secrets';
import { CostStatusBar } from './statusBar';
import { IndexService } from './indexService';
import { SetupChecker } from './setup';
import { RunController } from './runController';
import { fromIndexPath } from './scope';
import { openDocumentCitation, registerDocumentViews } from './docs/open-document';
import type { Services } from './commands/services';
import { registerAskCommands } from './commands/askCommands';
import { registerModelCommands } from './commands/modelCommands';
import { registerKeyCommands } from './commands/keyCommands';
import { registerMaintenanceCommands } from './commands/maintenanceCommands';
import { registerMcpCommands } from './commands/mcpCommands';
import { registerChatParticipant } from './chat/participant';

/** What activate() returns: the extension-host tests drive and inspect the live parts through it. */
export interface MinionsApi {
  /** Milliseconds activate() took (measured inside it). */
  readonly activationMs: number;
  readonly services: Services;
  /** What the panel calls (Ask box, Cancel button, citation clicks). */
  readonly actions: PanelActions;
  /** The @minions chat handler (the tests call it with a recording response stream). */
  readonly chatHandler: vscode.ChatRequestHandler;
}

export function activate(context: vscode.ExtensionContext): MinionsApi {
  const started = performance.now();
  const core: CoreApi = createCore();
  const log = new MinionsLog();
  const keys = new ApiKeyStore(context.secrets);
  const statusBar = new CostStatusBar(context.workspaceState);
  const index = new IndexService(core, context, statusBar, log);
  const setup = new SetupChecker(core, keys, log);

  let runs: RunController | undefined;
  const actions: PanelActions = {
    ask: (question) => void runs?.ask(question),
    cancel: () => void runs?.cancel(),
    openCitation: (citation) => void openCitation(index, log, citation),
    // The panel redacts these from its stored history and Markdown exports.
    knownSecrets: async () => {
      const { key } = await keys.get();
      return key ? [key] : [];
    },
  };
  runs = new RunController(core, index, setup, keys, statusBar, log, {
    show: () => void MinionsPanel.show(context, actions),
    // Recorded in the run history even while the panel is closed; reopening it resumes the live view.
    push: (runId, event) => pushRunEvent(context, runId, event),
  });

  const services: Services = { context, core, log, keys, statusBar, index, setup, runs };
  const chat = registerChatParticipant(services);
  context.subscriptions.push(
    log, keys, statusBar, index, runs,
    registerPanelSerializer(context, actions),
    ...registerAskCommands(services),
    ...registerModelCommands(services),
    ...registerKeyCommands(services),
    ...registerMaintenanceCommands(services),
    ...registerMcpCommands(services),
    ...chat.disposables,
    onSettingsChanged((areas) => {
      if (areas.index) void index.restart('index settings changed');
      if (areas.models) setup.forgetRemoteChecks();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: indexing');
      index.startInBackground('workspace trusted');
    }),
    keys.onDidChange(() => void keys.get().then(({ key }) => log.setSecrets([key]))),
    ...registerDocumentViews(() => index.current?.index),
  );
  void vscode.commands.executeCommand('setContext', 'minions.running', false);

  // The key is read asynchronously; until then the log has nothing to redact beyond key shapes.
  void keys.get().then(({ key }) => log.setSecrets([key]));
  if (!vscode.workspace.isTrusted) {
    log.info('workspace not trusted: Minions will not index or send anything until it is trusted');
  } else if (currentSettings().index.onStartup) {
    // After activation returns, so startup is never held up by the walk.
    setTimeout(() => index.startInBackground('startup'), 0);
  }
  // Loading the bundle is measured by scripts/bench-activation.mjs; VS Code's own work between
  // loading it and calling activate() is not ours to count.
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, services, actions, chatHandler: chat.handler };
}

export function deactivate(): void {}

/** Opens a cited file at its lines, after checking the path stays inside a workspace folder. */
async function openCitation(index: IndexService, log: MinionsLog, citation: Citation): Promise<void> {
  const fsPath = fromIndexPath(index.roots(), citation.path);
  if (!fsPath) {
    log.error(`refused to open citation outside the workspace: ${citation.path}`);
    void vscode.window.showWarningMessage(`Minions: "${citation.path}" is not a file in this workspace, so it was not opened.`);
    return;
  }
  try {
    // PDFs open their page's text, notebooks their cell.
    if (await openDocumentCitation(index.current?.index, citation, fsPath)) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(fsPath));
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(Math.max(0, citation.startLine - 1), last);
    const end = Math.min(Math.max(start, citation.endLine - 1), last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  } catch {
    void vscode.window.showWarningMessage(`Minions: cannot open ${citation.path} (it may have been moved or deleted). Rebuild the index if files changed.`);
  }
}
