// Debian's Chromium driven by playwright-core, headless, with a profile of its own inside the
// sandbox. It keeps the page's console so a failure report can show what the workbench said.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_BIN } from './paths';

/** Flags measured to work here: no sandbox (root), no GPU, and nothing that phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors seen so far, oldest first. */
  consoleLines: string[];
  close(): Promise<void>;
}

/**
 * `profileDir` holds the browser profile; `configDir` replaces the home folder's config and
 * cache for Chromium, which keeps its crash-report database there whatever the profile.
 */
export async function launchBrowser(profileDir: string, configDir: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_BIN,
    env: { ...process.env, XDG_CONFIG_HOME: configDir, XDG_CACHE_HOME: configDir },
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  const keep = (line: string): void => {
    consoleLines.push(line);
    if (consoleLines.length > 2000) consoleLines.splice(0, consoleLines.length - 2000);
  };
  page.on('console', (msg) => keep(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => keep(`[pageerror] ${err.message}`));
  return {
    context,
    page,
    consoleLines,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}
