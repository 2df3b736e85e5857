import * as vscode from 'vscode';
import type { Citation, RunEvent } from '../../core/protocol/events';
import { parseWebviewMessage, type HostToWebview } from '../../shared/messages';

/** What the panel asks of the extension host; the host owns runs and editors. */
export interface PanelActions {
  /** The panel's own input box. */
  ask(question: string): void;
  /** The Cancel button. */
  cancel(): void;
  /** The host validates that the path is inside the workspace, then opens the file at the lines. */
  openCitation(citation: Citation): void;
}

/** The single Minions panel (a webview), created on demand and revealed when it exists. */
export class MinionsPanel {
  static readonly viewType = 'minions.panel' as const;
  private static instance: MinionsPanel | undefined;

  static get current(): MinionsPanel | undefined {
    return MinionsPanel.instance;
  }

  /** Create or reveal the single panel. */
  static show(context: vscode.ExtensionContext, actions: PanelActions): MinionsPanel {
    if (MinionsPanel.instance) {
      MinionsPanel.instance.panel.reveal();
      return MinionsPanel.instance;
    }
    const panel = vscode.window.createWebviewPanel(MinionsPanel.viewType, 'Minions', vscode.ViewColumn.Beside, webviewOptions(context));
    MinionsPanel.instance = new MinionsPanel(panel, context, actions);
    return MinionsPanel.instance;
  }

  /** Restore after window reload (registerWebviewPanelSerializer calls this). */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, actions: PanelActions, _state: unknown): MinionsPanel {
    MinionsPanel.instance?.panel.dispose();
    panel.webview.options = webviewOptions(context);
    MinionsPanel.instance = new MinionsPanel(panel, context, actions);
    return MinionsPanel.instance;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly actions: PanelActions,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = renderHtml(panel.webview, context.extensionUri);
    panel.webview.onDidReceiveMessage((raw) => {
      const message = parseWebviewMessage(raw);
      if (!message) return;
      switch (message.type) {
        case 'ready':
          this.post({ type: 'init', title: 'Minions' });
          break;
        case 'ask':
          this.actions.ask(message.question);
          break;
        case 'cancel':
          this.actions.cancel();
          break;
        case 'open-citation':
          this.actions.openCitation({ path: message.path, startLine: message.startLine, endLine: message.endLine });
          break;
      }
    });
    panel.onDidDispose(() => {
      if (MinionsPanel.instance === this) MinionsPanel.instance = undefined;
    });
  }

  /** Feed one event of a live run; the panel renders it and records it in the run history. */
  pushEvent(runId: string, event: RunEvent): void {
    this.post({ type: 'run-event', runId, event });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }
}

/** Registers the serializer that brings the panel back after a window reload. */
export function registerPanelSerializer(context: vscode.ExtensionContext, actions: PanelActions): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(MinionsPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      MinionsPanel.revive(panel, context, actions, state);
    },
  });
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
  };
}

function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = makeNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Minions</title>
</head>
<body>
<h1 id="title">Minions</h1>
<main id="app"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
