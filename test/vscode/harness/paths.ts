// Where the harness finds the repository, its tools and its artifacts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CODE_SERVER_BIN = join(REPO_ROOT, '.tools/code-server/node_modules/.bin/code-server');
export const CHROMIUM_BIN = process.env.MINIONS_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');
export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test/fixtures/workspace');
export const VSIX_PATH = join(REPO_ROOT, 'dist/minions.vsix');
export const EXTHOST_BUNDLE = join(REPO_ROOT, 'out/test/exthost.js');
export const EXTHOST_MULTIROOT_BUNDLE = join(REPO_ROOT, 'out/test/exthost-multiroot.js');

/** Throws a message that says how to install what is missing. */
export function requireTools(): void {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_BIN} missing). Run: bash scripts/setup.sh`);
  }
  if (!existsSync(CHROMIUM_BIN)) {
    throw new Error(`Chromium not found at ${CHROMIUM_BIN}. Run: bash scripts/setup.sh (installs Debian's chromium), or set MINIONS_CHROMIUM to a Chromium binary`);
  }
}
