// End-to-end sessions: the packaged extension (dist/minions.vsix) installed into a fresh
// code-server, the workbench open in Chromium, driven the way a user drives it: commands from
// the palette, text read out of webviews, screenshots saved under test-artifacts/.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { CodeServer, Sandbox, installExtension } from './codeServer';
import { launchBrowser, type Browser } from './browser';
import { saveFailureArtifacts, saveScreenshot } from './artifacts';
import { FIXTURE_WORKSPACE, VSIX_PATH } from './paths';

export interface E2EOptions {
  /** Names the sandbox and the artifacts. */
  name: string;
  /** Folder the workbench opens (default: test/fixtures/workspace). */
  workspace?: string;
  /** The packaged extension to install (default: dist/minions.vsix). */
  vsix?: string;
  /** Start with workspace trust on, so the folder opens untrusted (default: trust disabled). */
  workspaceTrust?: boolean;
}

export class E2ESession {
  private constructor(
    readonly name: string,
    private readonly sandbox: Sandbox,
    private readonly server: CodeServer,
    private readonly browser: Browser,
  ) {}

  get page(): Page { return this.browser.page; }

  /** Installs the .vsix, starts code-server and opens the workbench; cleans up if any step fails. */
  static async start(options: E2EOptions): Promise<E2ESession> {
    const workspace = options.workspace ?? FIXTURE_WORKSPACE;
    const sandbox = new Sandbox(options.name);
    if (options.workspaceTrust) sandbox.enableWorkspaceTrust();
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    try {
      await installExtension(sandbox, options.vsix ?? VSIX_PATH);
      server = await CodeServer.start(sandbox, { workspace, workspaceTrust: options.workspaceTrust ?? false });
      browser = await launchBrowser(sandbox.browserProfileDir, sandbox.browserConfigDir);
      await browser.page.goto(server.workbenchUrl(workspace));
      await waitForWorkbench(browser.page);
      return new E2ESession(options.name, sandbox, server, browser);
    } catch (err) {
      const artifacts = await saveFailureArtifacts(`${options.name}-start`, {
        page: browser?.page, sandbox, consoleLines: browser?.consoleLines, error: err,
      });
      await browser?.close();
      await server?.stop();
      sandbox.remove();
      throw withArtifacts(err, artifacts);
    }
  }

  /** Runs a command by its palette title (e.g. "Minions: Show Panel"): F1, type, Enter. */
  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const { page } = this;
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input');
    // Enter runs the highlighted entry, so wait until the highlighted entry is this command.
    const wanted = page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title });
    const deadline = Date.now() + timeoutMs;
    let shown: string[] = [];
    let typed = '';
    // The palette lists the commands known when it opens; right after start-up extensions may
    // still be registering theirs, so close and reopen it until the command is offered.
    while (Date.now() < deadline) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      try {
        await wanted.waitFor({ state: 'visible', timeout: 3_000 });
        await input.press('Enter');
        await widget.waitFor({ state: 'hidden', timeout: 10_000 });
        return;
      } catch {
        shown = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
        typed = await input.inputValue().catch(() => '?');
        await page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      }
    }
    throw new Error(`the command palette did not offer "${title}" within ${timeoutMs} ms (for ${JSON.stringify(typed)} it showed: ${JSON.stringify(shown.slice(0, 8))}); is the extension installed and does package.json contribute that command?`);
  }

  /** Asks as a user does: "Minions: Ask About This Workspace" from the palette, then the question box. */
  async ask(question: string): Promise<void> {
    await this.runCommand('Minions: Ask About This Workspace');
    // The same widget comes back as the question box (its placeholder is the example question).
    const box = this.page.locator('.quick-input-widget input[placeholder*="retry policy"]');
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    await box.fill(question);
    await box.press('Enter');
  }

  /**
   * Developer: Reload Window, and back once the new workbench is up. The old document is marked
   * first, so "up" means the reloaded one (its status bar), not the one that was about to go.
   */
  async reloadWindow(timeoutMs = 60_000): Promise<void> {
    await this.page.evaluate(() => { (window as unknown as { __minionsBeforeReload?: boolean }).__minionsBeforeReload = true; });
    await this.runCommand('Developer: Reload Window');
    await this.page.waitForFunction(() => !(window as unknown as { __minionsBeforeReload?: boolean }).__minionsBeforeReload, undefined, { timeout: timeoutMs });
    await waitForWorkbench(this.page);
  }

  /**
   * The document inside a webview (VS Code nests it two iframes deep). `index` picks among
   * the webviews currently shown, in page order.
   */
  webview(index = 0): FrameLocator {
    return this.page.frameLocator('iframe.webview').nth(index).frameLocator('#active-frame');
  }

  /** The visible text of `selector` inside a webview, once it exists. */
  async webviewText(selector = 'body', options: { index?: number; timeoutMs?: number } = {}): Promise<string> {
    const target: Locator = this.webview(options.index ?? 0).locator(selector).first();
    await target.waitFor({ state: 'visible', timeout: options.timeoutMs ?? 20_000 });
    return await target.innerText();
  }

  /** Labels of the editor tabs, in order. */
  async tabLabels(): Promise<string[]> {
    return (await this.page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((s) => s.trim());
  }

  /** Saves test-artifacts/<name>.png of the whole workbench and returns its path. */
  async screenshot(name: string): Promise<string> {
    return await saveScreenshot(this.page, name);
  }

  /**
   * Runs one test step; if it throws, saves a screenshot, the code-server log tail and the
   * browser console under test-artifacts/ and rethrows with their paths.
   */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      const artifacts = await saveFailureArtifacts(`${this.name}-${name}`, {
        page: this.page, sandbox: this.sandbox, consoleLines: this.browser.consoleLines, error: err,
      });
      throw withArtifacts(err, artifacts);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    this.sandbox.remove();
  }
}

/** The workbench is usable once its parts are laid out and the extension host connected. */
async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}

function withArtifacts(err: unknown, artifacts: string[]): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  if (artifacts.length) error.message += `\nartifacts: ${artifacts.join(', ')}`;
  return error;
}
