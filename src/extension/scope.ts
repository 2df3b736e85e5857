// Turns what the user picked (Explorer items, an editor selection, a citation) into the
// workspace-relative paths the index uses, and back. Pure: roots and targets are plain file
// system paths, so the multi-root rules are unit-tested without VS Code.
//
// The index names files `dir/file.ts` in a single-root workspace and `<rootName>/dir/file.ts`
// in a multi-root one (see Chunk.path), so the same rule is applied here.

import * as path from 'node:path';

export interface WorkspaceRoot {
  name: string;
  fsPath: string;
}

export interface ScopeResult {
  /** Workspace-relative paths with `/` separators; '' never appears (a whole root is its name, or nothing). */
  scope: string[];
  /** Targets that are outside every workspace folder (not analysable). */
  outside: string[];
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The workspace-relative index path of one file system path, or undefined when outside. */
export function toIndexPath(roots: readonly WorkspaceRoot[], fsPath: string): string | undefined {
  // The deepest root wins when folders are nested.
  const root = [...roots].sort((a, b) => b.fsPath.length - a.fsPath.length).find((r) => isInside(r.fsPath, fsPath));
  if (!root) return undefined;
  const rel = path.relative(root.fsPath, fsPath).split(path.sep).join('/');
  if (roots.length > 1) return rel === '' ? root.name : `${root.name}/${rel}`;
  return rel;
}

/** The file system path for an index path, or undefined when it escapes its root (`..`, absolute). */
export function fromIndexPath(roots: readonly WorkspaceRoot[], indexPath: string): string | undefined {
  if (indexPath === '' || indexPath.includes('\0')) return undefined;
  if (path.isAbsolute(indexPath) || /^[a-zA-Z]:/.test(indexPath)) return undefined;
  const parts = indexPath.split(/[\\/]/);
  if (parts.some((p) => p === '..')) return undefined;
  let root: WorkspaceRoot | undefined;
  let rest: string[];
  if (roots.length > 1) {
    root = roots.find((r) => r.name === parts[0]);
    rest = parts.slice(1);
  } else {
    root = roots[0];
    rest = parts;
  }
  if (!root) return undefined;
  const full = path.join(root.fsPath, ...rest);
  return isInside(root.fsPath, full) ? full : undefined;
}

/**
 * The run scope for the picked items. Picking a whole single root (or every root) means "the
 * whole workspace", which is the empty scope. Nested picks collapse into their parent.
 */
export function scopeFromPaths(roots: readonly WorkspaceRoot[], fsPaths: readonly string[]): ScopeResult {
  const scope: string[] = [];
  const outside: string[] = [];
  let wholeWorkspace = false;
  for (const p of fsPaths) {
    const rel = toIndexPath(roots, p);
    if (rel === undefined) outside.push(p);
    else if (rel === '') wholeWorkspace = true;
    else scope.push(rel);
  }
  if (wholeWorkspace) return { scope: [], outside };
  const unique = [...new Set(scope)].sort();
  const collapsed = unique.filter((s) => !unique.some((other) => other !== s && s.startsWith(other + '/')));
  if (roots.length > 1 && roots.every((r) => collapsed.includes(r.name))) return { scope: [], outside };
  return { scope: collapsed, outside };
}
