// Screenshots and logs kept under test-artifacts/ (gitignored) so a failure in CI can be
// understood without re-running it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './paths';
import type { Sandbox } from './codeServer';

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'artifact';
}

/** Saves a PNG of the whole page to test-artifacts/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, `${safeName(name)}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
  return file;
}

export interface FailureContext {
  page?: Page | undefined;
  sandbox?: Sandbox | undefined;
  consoleLines?: string[] | undefined;
  error?: unknown;
}

/**
 * Saves what explains a failure: a screenshot, the tail of code-server's log and the browser
 * console. Never throws (a broken page must not hide the original error). Returns the paths.
 */
export async function saveFailureArtifacts(name: string, ctx: FailureContext): Promise<string[]> {
  const saved: string[] = [];
  const base = `${safeName(name)}-failure`;
  try {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    if (ctx.page && !ctx.page.isClosed()) {
      try { saved.push(await saveScreenshot(ctx.page, base)); } catch { /* page unusable */ }
    }
    if (ctx.sandbox) {
      const file = join(ARTIFACTS_DIR, `${base}-code-server.log`);
      writeFileSync(file, ctx.sandbox.logTail(400));
      saved.push(file);
    }
    if (ctx.consoleLines) {
      const file = join(ARTIFACTS_DIR, `${base}-browser-console.log`);
      writeFileSync(file, ctx.consoleLines.slice(-400).join('\n'));
      saved.push(file);
    }
    if (ctx.error !== undefined) {
      const file = join(ARTIFACTS_DIR, `${base}-error.txt`);
      writeFileSync(file, ctx.error instanceof Error ? (ctx.error.stack ?? ctx.error.message) : String(ctx.error));
      saved.push(file);
    }
  } catch {
    // Reporting must not fail the teardown.
  }
  return saved;
}
