// Where a citation from the webview may point: only at a file inside one of the workspace
// folders. The webview renders model output, so a citation is untrusted input: an absolute
// path, a `..` escape, a URI or a link leading out of the workspace is refused. No `vscode`
// import, so this is unit-tested in plain Node.

import { realpath } from 'node:fs/promises';
import * as path from 'node:path';

export interface WorkspaceRoot {
  /** The folder's name as the index prefixes paths with in a multi-root workspace. */
  name: string;
  /** Absolute file-system path of the folder. */
  fsPath: string;
}

/**
 * Resolves a workspace-relative citation path (`/` separators; in a multi-root workspace it
 * starts with the folder's name, as the index writes it) to an absolute path inside a root, or
 * undefined when it names anything else.
 */
export function resolveCitationPath(roots: readonly WorkspaceRoot[], citationPath: string): string | undefined {
  if (roots.length === 0 || citationPath.length === 0 || citationPath.includes('\0')) return undefined;
  // Absolute paths, drive letters, UNC and URIs are never workspace-relative.
  if (/^([a-zA-Z][a-zA-Z0-9+.-]*:|[\\/])/.test(citationPath)) return undefined;
  const segments = citationPath.split(/[\\/]+/).filter((s) => s.length > 0 && s !== '.');
  if (segments.length === 0 || segments.some((s) => s === '..')) return undefined;
  const candidates: { root: WorkspaceRoot; rest: string[] }[] = [];
  if (roots.length > 1) {
    const [first, ...rest] = segments;
    for (const root of roots) if (root.name === first && rest.length > 0) candidates.push({ root, rest });
  } else if (roots[0]) {
    candidates.push({ root: roots[0], rest: segments });
  }
  for (const { root, rest } of candidates) {
    const resolved = path.resolve(root.fsPath, ...rest);
    if (isInside(root.fsPath, resolved)) return resolved;
  }
  return undefined;
}

/** The same check after following links: a link inside the workspace to a file outside is refused. */
export async function resolveCitationFile(roots: readonly WorkspaceRoot[], citationPath: string): Promise<string | undefined> {
  const resolved = resolveCitationPath(roots, citationPath);
  if (!resolved) return undefined;
  let real: string;
  try {
    real = await realpath(resolved);
  } catch {
    return undefined;
  }
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = await realpath(root.fsPath);
    } catch {
      continue;
    }
    if (isInside(realRoot, real)) return resolved;
  }
  return undefined;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), target);
  return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
}
