// Issue 7, untrusted workspaces, end to end: the packaged .vsix in code-server with workspace
// trust ON (the other tests turn it off). The folder opens untrusted (the trust prompt is
// answered "No"); Ask then explains that the workspace is not trusted, and neither model server
// receives a single chat request. After the user trusts the folder, the same Ask runs — so the
// refusal is the trust check, not a broken setup.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { E2ESession } from './harness/e2e';
import { copyFixtureWorkspace, removeWorkspaceCopy, setInheritedEnv, writeWorkspaceSettings } from './harness/workspace';
import { until } from './harness/wait';
import { ensurePackaged } from './harness/prepare';
import { startScriptedServers, FAKE_KEY, LOCAL_MODEL, REMOTE_MODEL, type ScriptedServers } from './exthost/suites/host-fakes';

describe('end to end: an untrusted workspace', () => {
  let servers: ScriptedServers | undefined;
  let session: E2ESession | undefined;
  let workspace: string | undefined;
  let restoreKey: (() => void) | undefined;

  before(async () => {
    ensurePackaged();
    servers = await startScriptedServers();
    workspace = copyFixtureWorkspace('e2e-trust');
    writeWorkspaceSettings(workspace, {
      'minions.local.url': servers.ollama.url,
      'minions.local.model': LOCAL_MODEL,
      'minions.remote.baseUrl': servers.openai.url,
      'minions.remote.model': REMOTE_MODEL,
    });
    restoreKey = setInheritedEnv('MINIONS_REMOTE_API_KEY', FAKE_KEY);
    session = await E2ESession.start({ name: 'e2e-hardening-trust', workspace, workspaceTrust: true });
  });

  after(async () => {
    await session?.close();
    await servers?.close();
    removeWorkspaceCopy(workspace);
    restoreKey?.();
  });

  const ask = (question: string) => session!.ask(question);

  const chats = () => servers!.ollama.chatBodies().length + servers!.openai.chatBodies().length;

  it('untrusted: Ask explains why nothing runs, and no model receives a request', async () => {
    const s = session!;
    await s.step('untrusted-ask', async () => {
      const page = s.page;
      // VS Code asks at start-up whether to trust the folder's authors: answer no (restricted mode).
      const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: /don't trust/i });
      await no.waitFor({ state: 'visible', timeout: 30_000 });
      await no.click();
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
      // Limited support: the extension still activates (its cost counter shows) in restricted mode.
      await page.locator('.statusbar-item', { hasText: /\$\d/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await ask('How does the retry policy back off?');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /not trusted/ });
      await toast.waitFor({ state: 'visible', timeout: 20_000 });
      const text = await toast.innerText();
      assert.match(text, /does not read its files or send anything to a model/);
      assert.match(text, /Manage Workspace Trust/, 'it offers the way out');
      await s.screenshot('e2e-hardening-trust-refused');
      // Give a (wrongly) started run time to reach the servers before counting.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(chats(), 0, 'a model received a chat request in an untrusted workspace');
      await s.runCommand('Notifications: Clear All Notifications');
    });
  });

  it('once the folder is trusted, the same Ask runs and reaches the models', async () => {
    const s = session!;
    await s.step('trusted-ask', async () => {
      const page = s.page;
      await s.runCommand('Workspaces: Manage Workspace Trust');
      const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first();
      await trust.waitFor({ state: 'visible', timeout: 20_000 });
      await trust.click();
      await ask('How does the retry policy back off?');
      const answer = await s.webviewText('#answer-body', { timeoutMs: 90_000 });
      assert.match(answer, /withRetry/);
      await until(() => servers!.ollama.chatBodies().length > 0 && servers!.openai.chatBodies().length > 0, 'both servers to be asked');
      await s.screenshot('e2e-hardening-trust-trusted');
    });
  });
});
