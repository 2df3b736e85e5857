// Turns what the user picked (Explorer items, an editor selection) into a run's scope: the
// index paths of the picks (by the core's path scheme, core/index/paths.ts), nested picks
// collapsed. Pure, so the rules are unit-tested without VS Code.

import { toIndexPath, type WorkspaceRoot } from '../core/index/paths';

export interface ScopeResult {
  /** Workspace-relative paths with `/` separators; '' never appears (a whole root is its name, or nothing). */
  scope: string[];
  /** Targets that are outside every workspace folder (not analysable). */
  outside: string[];
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
