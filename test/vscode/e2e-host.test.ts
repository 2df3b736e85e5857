// End to end on the packaged .vsix in code-server + Chromium, driven like a user: Ollama down
// gives the clear notification; Ask (palette) shows plan, jobs, answer and ledger in the
// panel and moves the status-bar counter; a citation click opens the file; "Analyze with
// Minions" from the Explorer context menu on a folder runs scoped to it; Cancel stops a slow
// run. The loopback model servers run in this process; the extension reaches them through the
// workspace's .vscode/settings.json and gets the key from MINIONS_REMOTE_API_KEY.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { E2ESession } from './harness/e2e';
import { copyFixtureWorkspace, removeWorkspaceCopy, setInheritedEnv, writeWorkspaceSettings } from './harness/workspace';
import { until } from './harness/wait';
import { ensurePackaged } from './harness/prepare';
import { startScriptedServers, excerptOf, FAKE_KEY, LOCAL_MODEL, REMOTE_MODEL, type ScriptedServers } from './exthost/suites/host-fakes';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function writeSettings(workspace: string, localUrl: string, remoteUrl: string): void {
  writeWorkspaceSettings(workspace, {
    'minions.local.url': localUrl,
    'minions.local.model': LOCAL_MODEL,
    'minions.remote.baseUrl': remoteUrl,
    'minions.remote.model': REMOTE_MODEL,
    // These tests watch local requests (a slow job to cancel): none may come from the job cache.
    'minions.cache.jobs': false,
  });
}

describe('end to end: the extension host in code-server', () => {
  let servers: ScriptedServers | undefined;
  let session: E2ESession | undefined;
  let workspace: string | undefined;
  let restoreKey: (() => void) | undefined;

  before(async () => {
    ensurePackaged();
    servers = await startScriptedServers();
    workspace = copyFixtureWorkspace('e2e-host');
    // Ollama "down" first: a port nothing listens on.
    writeSettings(workspace, `http://127.0.0.1:${await closedPort()}`, servers.openai.url);
    restoreKey = setInheritedEnv('MINIONS_REMOTE_API_KEY', FAKE_KEY);
    session = await E2ESession.start({ name: 'e2e-host', workspace });
    // The cost counter appears once the extension has activated (onStartupFinished).
    await session.page.locator('.statusbar-item', { hasText: /\$\d/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    await servers?.close();
    removeWorkspaceCopy(workspace);
    restoreKey?.();
  });

  /** Opens the palette on a command; retries while the workbench is still registering extensions' commands. */
  async function openCommand(title: string): Promise<void> {
    const page = session!.page;
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
      const found = await row.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
      if (found) {
        await input.press('Enter');
        return;
      }
      await page.keyboard.press('Escape');
      if (attempt === 4) throw new Error(`the palette never offered "${title}"`);
    }
  }

  /** Ask from the command palette and the input box, as a user does. */
  async function ask(question: string): Promise<void> {
    const page = session!.page;
    await openCommand('Minions: Ask About This Workspace');
    // The same widget comes back as the question box (its placeholder is the example question).
    const box = page.locator('.quick-input-widget input[placeholder*="retry policy"]');
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    await box.fill(question);
    await box.press('Enter');
  }

  function statusBarCounter() {
    return session!.page.locator('.statusbar-item', { hasText: /\$\d/ }).first();
  }

  async function clearNotifications(): Promise<void> {
    await session!.runCommand('Notifications: Clear All Notifications');
  }

  it('Ollama down: Ask shows a notification that says what is wrong and how to fix it', async () => {
    const s = session!;
    await s.step('ollama-down', async () => {
      await ask('How does the retry policy back off?');
      const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: 'not reachable' }).first();
      await toast.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await toast.innerText();
      assert.match(text, /Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      assert.match(text, /ollama serve/);
      assert.match(text, /How to Start Ollama/);
      await s.screenshot('e2e-host-ollama-down');
      await clearNotifications();
    });
  });

  it('Ask from the palette shows plan, jobs, answer and ledger, and the status-bar counter moves', async () => {
    const s = session!;
    await s.step('ask', async () => {
      // The settings file changes under the running window: no reload.
      writeSettings(workspace!, servers!.ollama.url, servers!.openai.url);
      servers!.setJobDelay(2500);
      const counterBefore = (await statusBarCounter().innerText()).trim();
      assert.match(counterBefore, /\$0\.00 · saved \$0\.00/);
      // The window picks the new settings up when its file watcher delivers the change: until
      // then an Ask still goes to the old (stopped) server and says so. Ask until it goes through.
      const down = s.page.locator('.notifications-toasts .notification-toast', { hasText: 'not reachable' }).first();
      const planShown = s.webview().locator('#plan', { hasText: /retried/ }).first();
      await until(async () => {
        await ask('How does the retry policy back off?');
        const outcome = await Promise.race([
          planShown.waitFor({ state: 'visible', timeout: 30_000 }).then(() => 'plan' as const),
          down.waitFor({ state: 'visible', timeout: 30_000 }).then(() => 'down' as const),
        ]);
        if (outcome === 'down') await clearNotifications();
        return outcome === 'plan';
      }, 'an Ask that reaches the newly configured servers', 60_000);
      const plan = await s.webviewText('#plan', { timeoutMs: 30_000 });
      assert.match(plan, /retried/);
      await s.webviewText('#jobs', { timeoutMs: 30_000 });
      await s.screenshot('e2e-host-panel-midrun');
      const answer = await s.webviewText('#answer-body', { timeoutMs: 60_000 });
      assert.match(answer, /withRetry/);
      const ledger = await s.webviewText('#ledger', { timeoutMs: 10_000 });
      assert.match(ledger, /\$/);
      await s.screenshot('e2e-host-panel-answer');
      await until(async () => (await statusBarCounter().innerText()).trim() !== counterBefore, 'the status-bar counter to change');
      assert.ok(servers!.ollama.chatBodies().length > 0, 'no local job reached the fake Ollama');
    });
  });

  it('a citation click opens the cited file', async () => {
    const s = session!;
    await s.step('citation', async () => {
      const link = s.webview().locator('#answer-body a.cite').first();
      await link.waitFor({ state: 'visible', timeout: 10_000 });
      await link.click();
      await until(async () => (await s.tabLabels()).includes('retry.ts'), 'retry.ts to open in an editor tab');
    });
  });

  it('"Analyze with Minions" from the Explorer context menu on a folder runs scoped to it', async () => {
    const s = session!;
    await s.step('analyze-folder', async () => {
      servers!.setJobDelay(0);
      const jobsBefore = servers!.ollama.chatBodies().length;
      const plansBefore = servers!.openai.chatBodies().length;
      await s.page.keyboard.press('Control+Shift+E');
      const folder = s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^src$/ }).first();
      await folder.waitFor({ state: 'visible', timeout: 15_000 });
      await folder.click({ button: 'right' });
      const item = s.page.locator('.monaco-menu .action-item', { hasText: 'Analyze with Minions' }).first();
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.hover();
      await item.click();
      const input = s.page.locator('.quick-input-widget input[placeholder*="What should Minions do"]');
      // A click that lands while the menu is still animating in is ignored: Enter on the highlighted item then.
      if (!(await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) await s.page.keyboard.press('Enter');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('Explain');
      await input.press('Enter');
      await until(() => servers!.openai.chatBodies().length >= plansBefore + 2, 'the scoped run to plan and synthesize', 60_000);
      const plan = servers!.openai.chatBodies()[plansBefore]!.messages.map((m) => m.content).join('\n');
      assert.match(plan, /Explain src/);
      const read = servers!.ollama.chatBodies().slice(jobsBefore).map((b) => excerptOf(b)?.path);
      assert.ok(read.length > 0, 'the scoped run read nothing');
      for (const p of read) assert.ok(p?.startsWith('src/'), `a job read ${p}, outside src/`);
      await s.webviewText('#answer-body', { timeoutMs: 30_000 });
    });
  });

  it('Cancel Run stops a slow run', async () => {
    const s = session!;
    await s.step('cancel', async () => {
      servers!.setJobDelay(120_000);
      const chatsBefore = servers!.ollama.requests.length;
      await ask('Where are failed operations retried?');
      await until(() => servers!.ollama.requests.slice(chatsBefore).some((r) => r.path === '/api/chat' && !r.closed), 'a slow local job to start', 60_000);
      await openCommand('Minions: Cancel Run');
      await until(async () => /Where are failed operations retried\?[\s\S]*cancelled/.test(await s.webviewText('#history-list')),
        'the panel to record the run as cancelled', 15_000);
      await until(() => servers!.ollama.requests.slice(chatsBefore).filter((r) => r.path === '/api/chat').every((r) => r.closed), 'the slow jobs to be closed', 10_000);
      assert.ok(servers!.ollama.requests.slice(chatsBefore).some((r) => r.abortedByClient), 'no job was aborted by the client');
      await s.screenshot('e2e-host-cancelled');
    });
  });

  it('"Minions: Show Log" shows the model calls, coloured by the minions-log grammar', async () => {
    const s = session!;
    await s.step('log', async () => {
      await openCommand('Minions: Show Log');
      const view = s.page.locator('.monaco-editor .view-lines', { hasText: '[remote] gpt-4.1' }).first();
      await view.waitFor({ state: 'visible', timeout: 20_000 });
      // Tokenised by our grammar: the role is its own coloured token, not plain text. VS Code
      // tokenises in the background, so the plain text can show before the tokens do.
      const roleTokens = view.locator('span span', { hasText: /^remote$/ });
      await until(async () => (await roleTokens.count()) > 0, 'a separate token for the role (the minions-log grammar)', 10_000);
      await s.screenshot('e2e-host-log');
    });
  });

  it('the walkthrough shows the three setup steps', async () => {
    const s = session!;
    await s.step('walkthrough', async () => {
      await openCommand('Welcome: Open Walkthrough...');
      const input = s.page.locator('.quick-input-widget input');
      await input.fill('Get started with Minions');
      await s.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get started with Minions' }).waitFor({ state: 'visible', timeout: 15_000 });
      await input.press('Enter');
      for (const title of ['Run Ollama on this machine', 'Choose or pull a local model', 'Set the remote API key']) {
        await s.page.getByText(title, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
      }
      await s.screenshot('e2e-host-walkthrough');
    });
  });
});
