import * as vscode from 'vscode';
import { parseWebviewMessage, type HostToWebview } from '../shared/messages';

/** The single Minions panel (a webview), created on demand and revealed when it exists. */
export class MinionsPanel {
  static readonly viewType = 'minions.panel';
  private static current: MinionsPanel | undefined;

  static show(context: vscode.ExtensionContext): MinionsPanel {
    if (MinionsPanel.current) {
      MinionsPanel.current.panel.reveal();
      return MinionsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(MinionsPanel.viewType, 'Minions', vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    });
    MinionsPanel.current = new MinionsPanel(panel, context.extensionUri);
    return MinionsPanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = renderHtml(panel.webview, extensionUri);
    panel.webview.onDidReceiveMessage((raw) => {
      const message = parseWebviewMessage(raw);
      if (!message) return;
      if (message.type === 'ready') this.post({ type: 'init', title: 'Minions' });
    });
    panel.onDidDispose(() => {
      MinionsPanel.current = undefined;
    });
  }

  post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }
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
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); }
</style>
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
