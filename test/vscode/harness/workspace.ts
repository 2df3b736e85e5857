// A throwaway copy of the fixture workspace for one e2e file, its settings, and the environment
// that code-server (and so the extension host) inherits. Each e2e file writes its own settings:
// they point the extension at that file's loopback servers.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FIXTURE_WORKSPACE } from './paths';

/** Copies test/fixtures/workspace into a new temp folder; returns the copy's path. */
export function copyFixtureWorkspace(label: string): string {
  const workspace = join(mkdtempSync(join(tmpdir(), `minions-${label}-`)), 'workspace');
  cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  return workspace;
}

export function writeWorkspaceSettings(workspace: string, settings: Record<string, unknown>): void {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  // The e2e files exercise MinionS; `auto` (the default) would send this small fixture remote-only.
  writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'minions.protocol': 'minions', ...settings }, null, 2));
}

/** Removes a copy made by copyFixtureWorkspace (its temp parent too); tolerates undefined. */
export function removeWorkspaceCopy(workspace: string | undefined): void {
  if (workspace) rmSync(dirname(workspace), { recursive: true, force: true });
}

/** Sets a variable code-server will inherit (set it before starting the session); returns its restore. */
export function setInheritedEnv(name: string, value: string): () => void {
  const saved = process.env[name];
  process.env[name] = value;
  return () => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  };
}
