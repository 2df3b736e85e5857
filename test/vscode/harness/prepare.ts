// Builds what the VS Code tests load, so running one test file on its own tests current code:
// the extension-host test bundle (always; it takes well under a second) and the extension's
// dev bundles when dist/extension.js is missing or older than a source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function runNode(script: string, what: string): void {
  try {
    execFileSync(process.execPath, [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const output = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${what} failed (node ${script}):\n${output.stderr?.toString() ?? ''}${output.stdout?.toString() ?? ''}`);
  }
}

export function ensureExtensionBuilt(): void {
  const bundle = join(REPO_ROOT, 'dist/extension.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))) return;
  runNode('esbuild.mjs', 'building the extension');
}

/** Packages dist/minions.vsix when it is missing or older than the sources or package.json. */
export function ensurePackaged(): void {
  const vsix = join(REPO_ROOT, 'dist/minions.vsix');
  const newestInput = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(join(REPO_ROOT, 'package.json')).mtimeMs);
  if (existsSync(vsix) && statSync(vsix).mtimeMs >= newestInput) return;
  try {
    execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const output = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run package failed:\n${output.stderr?.toString() ?? ''}${output.stdout?.toString() ?? ''}`);
  }
}

export function buildExtensionHostTests(): void {
  runNode('test/vscode/build.mjs', 'bundling the extension-host tests');
}
