import type { HostToWebview, WebviewToHost } from '../shared/messages';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const message = e.data;
  if (message.type === 'init') {
    const title = document.getElementById('title');
    if (title) title.textContent = message.title;
  }
});

vscode.postMessage({ type: 'ready' });
