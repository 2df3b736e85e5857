// The panel's host side inside a real VS Code extension host: the webview's CSP, validation of
// what the webview sends (malformed messages and citations outside the workspace refused), the
// run history (recorded, reopened, deleted, keys never kept) and the serializer's activation.
// The panel is driven through the test-only commands (src/extension/panel/test-hooks.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { waitFor } from '../wait';

const EXTENSION_ID = 'minions-dev.minions-vscode';

interface PanelInfo {
  open: boolean;
  visible: boolean;
  html: string;
  liveRunId?: string;
  history: { runId: string; question: string; outcome: string; jobs: number; remoteCostUsd: number | null }[];
}

const info = async (): Promise<PanelInfo> => (await vscode.commands.executeCommand('minions.test.panelInfo')) as PanelInfo;
const send = async (message: unknown): Promise<string> => (await vscode.commands.executeCommand('minions.test.panelMessage', message)) as string;
/** Shows the panel, feeds it a synthetic run and waits until the panel is open and visible. */
async function feed(args: Record<string, unknown>): Promise<string> {
  const runId = (await vscode.commands.executeCommand('minions.test.panelFeed', args)) as string;
  await waitFor(async () => ((await info()).visible ? true : undefined), 'the panel to be visible');
  return runId;
}

/** Closes every editor, the panel included, and waits until the panel has really gone. */
async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(async () => ((await info()).open ? undefined : true), 'the panel to close');
}

suite('panel host', () => {
  test('activates on a restored panel (serializer) and registers the test hooks under MINIONS_TEST', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const events = (extension.packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    assert.ok(events.includes('onWebviewPanel:minions.panel'), `activationEvents lack onWebviewPanel:minions.panel: ${JSON.stringify(events)}`);
    await extension.activate();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['minions.test.panelFeed', 'minions.test.panelMessage', 'minions.test.panelInfo']) assert.ok(commands.has(id), `${id} missing`);
  });

  test('the webview has a strict CSP: nothing by default, scripts by nonce only, no inline or remote code', async () => {
    const runId = await feed({ scenario: 'basic' });
    assert.ok(runId);
    const { open, html } = await info();
    assert.equal(open, true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
    assert.match(scriptSrc, /^'nonce-[A-Za-z0-9]{16,}'$/, `script-src is "${scriptSrc}"`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // Sources allowed: 'none', the nonce, data: images, and VS Code's own resource origin for
    // the extension's files (webview.cspSource: 'self' and its CDN host). Nothing else remote.
    const cspSource = new Set(["'self'", 'https://*.vscode-cdn.net']);
    for (const directive of csp.split(';').map((d) => d.trim().split(/\s+/))) {
      const [name, ...sources] = directive;
      for (const source of sources) {
        const ok = source === "'none'" || cspSource.has(source) || (name === 'img-src' && source === 'data:') || (name === 'script-src' && source.startsWith("'nonce-"));
        assert.ok(ok, `${name} allows ${source}`);
      }
    }
    const nonce = /'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.ok(scripts.every((s) => s.includes(`nonce="${nonce}"`)), scripts.join('\n'));
  });

  test('malformed and unknown webview messages are refused', async () => {
    for (const bad of [null, 42, 'ask', [], {}, { type: 'run-shell', command: 'rm -rf /' }, { type: 'ask' }, { type: 'ask', question: '   ' },
      { type: 'open-citation', path: 'src/retry.ts', startLine: 0, endLine: 1 }, { type: 'open-citation', path: 'src/retry.ts', startLine: '1', endLine: 2 },
      { type: 'open-run', runId: '../../state' }, { type: 'export-run' }, { type: 'delete-run', runId: 'a/b' }]) {
      assert.equal(await send(bad), 'refused', JSON.stringify(bad));
    }
  });

  test('citations naming files outside the workspace are refused and open nothing', async () => {
    await closeEditors();
    await feed({ scenario: 'basic' });
    for (const path of ['/etc/passwd', '../../../../etc/passwd', 'src/../../outside.ts', 'file:///etc/passwd', 'src/does-not-exist.ts']) {
      assert.equal(await send({ type: 'open-citation', path, startLine: 1, endLine: 1 }), 'refused', path);
    }
    assert.equal(vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === 'file').length, 0, 'an editor was opened');
  });

  test('a citation inside the workspace is accepted and opens the file at the lines', async () => {
    await closeEditors();
    await feed({ scenario: 'basic' });
    assert.equal(await send({ type: 'open-citation', path: 'src/retry.ts', startLine: 2, endLine: 4 }), 'accepted');
    const editor = await waitFor(async () => vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('/src/retry.ts')), 'src/retry.ts to open');
    assert.equal(editor.selection.start.line + 1, 2);
  });

  test('finished runs are recorded in the history, reopened, exported and deleted', async () => {
    const runId = await feed({ scenario: 'basic' });
    // A live run is saved as a snapshot (interrupted) as it starts; wait for its final save.
    const entry = await waitFor(async () => (await info()).history.find((r) => r.runId === runId && r.outcome !== 'interrupted'), 'the finished run in the history');
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.jobs, 6);
    assert.equal(entry.remoteCostUsd, 0.0042);
    assert.equal(await send({ type: 'open-run', runId }), 'accepted');
    assert.equal(await send({ type: 'open-run', runId: 'no-such-run' }), 'refused');
    const markdown = (await vscode.commands.executeCommand('minions.test.panelExport', { runId })) as string;
    assert.match(markdown, /^# Minions run: Where is the retry policy decided\?/);
    assert.match(markdown, /3 attempts/);
    assert.equal(await send({ type: 'export-run', runId }), 'accepted');
    const doc = await waitFor(async () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.languageId === 'markdown' && d.getText().includes(runId)), 'the exported document');
    assert.match(doc.getText(), /^# Minions run: Where is the retry policy decided\?/);
    assert.match(doc.getText(), /## Ledger/);
    assert.equal(await send({ type: 'delete-run', runId }), 'accepted');
    assert.equal((await info()).history.some((r) => r.runId === runId), false);
    await closeEditors();
  });

  test('a key echoed in an error never reaches the history or an export', async () => {
    const key = 'canary-0123456789abcdefghijklmn';
    const previous = process.env.MINIONS_REMOTE_API_KEY;
    // A key of no recognisable shape: only knowing the secret can redact it.
    process.env.MINIONS_REMOTE_API_KEY = key;
    try {
      const runId = await feed({ scenario: 'key-error' });
      const entry = await waitFor(async () => (await info()).history.find((r) => r.runId === runId && r.outcome !== 'interrupted'), 'the failed run in the history');
      assert.equal(entry.outcome, 'failed');
      const markdown = (await vscode.commands.executeCommand('minions.test.panelExport', { runId })) as string;
      assert.match(markdown, /refused the API key/);
      assert.ok(!markdown.includes(key), markdown);
      // Nor what the page was sent (it keeps that in its saved state).
      const after = await info();
      assert.match((after as PanelInfo & { lastRunJson: string }).lastRunJson, /refused the API key/);
      assert.ok(!JSON.stringify(after).includes(key), 'the key reached the panel');
    } finally {
      if (previous === undefined) delete process.env.MINIONS_REMOTE_API_KEY;
      else process.env.MINIONS_REMOTE_API_KEY = previous;
    }
  });

  test('closing the panel mid-run keeps the run recording; showing it again resumes', async () => {
    const runId = await feed({ scenario: 'basic', finish: false });
    assert.equal((await info()).liveRunId, runId);
    // Saved while it runs, so a window closed now leaves it in the history (marked interrupted).
    const snapshot = await waitFor(async () => (await info()).history.find((r) => r.runId === runId), 'the live run\'s snapshot', 8000);
    assert.equal(snapshot.outcome, 'interrupted');
    await closeEditors();
    assert.equal((await info()).open, false);
    await vscode.commands.executeCommand('minions.showPanel');
    const after = await info();
    assert.equal(after.open, true);
    assert.equal(after.liveRunId, runId);
    await closeEditors();
  });
});
