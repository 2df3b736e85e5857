// Activation: wires the long-lived parts together and registers every command. It must stay
// cheap (it runs on startup-finished in every window): nothing here reads files or calls a
// model; the index is built in the background afterwards, and only in a trusted workspace.

import * as vscode from 'vscode';
import { createShownRunStore, createWorkspaceHistoryStorage, MinionsPanel, registerPanelSerializer, RunRecorder, type PanelActions, type PanelHost } from './panel';
import { registerPanelTestHooks } from './panel/test-hooks';
import { openCitation } from './citations';
import { createCore } from './core';
import type { CoreApi } from './coreApi';
import { currentSettings, onSettingsChanged } from './config';
import { MinionsLog } from './log';
import { ApiKeyStore } from './secrets';
import { CostStatusBar } from './statusBar';
import { IndexService } from './indexService';
import { SetupChecker } from './setup';
import { RunController } from './runController';
import { registerDocumentViews } from './docs/open-document';
import { Conversations } from './conversations';
import { postThreads } from './panel/thread-messages';
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
  const conversations = new Conversations(context);
  const actions: PanelActions = {
    ask: (question) => void runs?.ask(question),
    retryAnswer: (question, scope, retry) => void runs?.ask(question, scope, { retry }),
    followUp: (question) => void runs?.ask(question, [], { followUp: true }),
    conversations,
    cancel: () => void runs?.cancel(),
    openCitation: async (citation) => {
      const result = await openCitation(index.roots(), citation, index.current?.index);
      if (result === 'refused') log.error(`refused to open citation outside the workspace: ${citation.path}`);
      if (result === 'failed') log.error(`could not open ${citation.path} (it may have been moved or deleted)`);
      return result === 'opened';
    },
  };
  // Keeps every run in the history even while the panel is closed; the key is redacted from
  // what it stores and exports.
  const recorder = new RunRecorder(createWorkspaceHistoryStorage(context), createShownRunStore(context), {
    secrets: async () => {
      const { key } = await keys.get();
      return key ? [key] : [];
    },
  });
  const panelHost: PanelHost = { context, recorder, actions };
  const showPanel = (): void => void MinionsPanel.createOrShow(panelHost);
  runs = new RunController(core, index, setup, keys, statusBar, log, recorder, showPanel, conversations);

  // The page hears of every new turn and reopened or new conversation.
  context.subscriptions.push(conversations.onDidChange(() => {
    const panel = MinionsPanel.currentPanel;
    if (panel) void postThreads(panel, actions);
  }));
  const services: Services = { context, core, log, keys, statusBar, index, setup, runs };
  const chat = registerChatParticipant(services);
  context.subscriptions.push(
    log, keys, statusBar, index, runs, conversations,
    registerPanelSerializer(panelHost),
    // Only under the test runner: commands the real-VS-Code tests use to drive the panel.
    ...(process.env.MINIONS_TEST === '1' ? [registerPanelTestHooks(panelHost)] : []),
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

