// The path scheme of an index, in one place: how workspace folders are named and how a file
// becomes an index path and back. A single-root workspace's paths are root-relative
// (`src/a.ts`); in a multi-root one each path starts with its folder's name (`app/src/a.ts`),
// the folder's base name with `-2`, `-3`… when two folders share one (`/a/app`, `/b/app` ->
// `app`, `app-2`). The walk, the extension's scope and the citation check all use these, so
// they cannot name one file two ways. Index paths also come back from model output (citations),
// so the way back refuses anything that is not plainly inside a folder.

import * as path from 'node:path';

export interface WorkspaceRoot {
  /** The name index paths start with in a multi-root workspace (unused with a single root). */
  readonly name: string;
  /** Absolute file-system path of the folder. */
  readonly fsPath: string;
}

/** Names the folders in order, as the index does. */
export function nameRoots(fsPaths: readonly string[]): WorkspaceRoot[] {
  const seen = new Map<string, number>();
  return fsPaths.map((fsPath) => {
    const base = fsPath.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'root';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { name: n === 1 ? base : `${base}-${n}`, fsPath };
  });
}

/** What the paths of root `i` start with: '' for a single root, else its name and '/'. */
export function rootPrefix(roots: readonly WorkspaceRoot[], i: number): string {
  return roots.length === 1 ? '' : `${roots[i]!.name}/`;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The index path of a file-system path, or undefined when it is outside every folder. A whole
 * folder is '' with a single root and its name with several. The deepest folder wins when
 * folders are nested.
 */
export function toIndexPath(roots: readonly WorkspaceRoot[], fsPath: string): string | undefined {
  const i = roots
    .map((r, index) => ({ r, index }))
    .sort((a, b) => b.r.fsPath.length - a.r.fsPath.length)
    .find(({ r }) => isInside(r.fsPath, fsPath))?.index;
  if (i === undefined) return undefined;
  const rel = path.relative(roots[i]!.fsPath, fsPath).split(path.sep).join('/');
  const prefix = rootPrefix(roots, i);
  return rel === '' ? prefix.replace(/\/$/, '') : prefix + rel;
}

/**
 * The file-system path of an index path naming something inside a folder, or undefined for
 * anything else: absolute paths, drive letters, UNC paths and URIs, `..`, NUL, a folder itself,
 * a first segment that names no folder. The check is lexical; see the host's citation opener
 * for the one that follows links.
 */
export function fromIndexPath(roots: readonly WorkspaceRoot[], indexPath: string): string | undefined {
  if (roots.length === 0 || indexPath.length === 0 || indexPath.includes('\0')) return undefined;
  if (/^([a-zA-Z][a-zA-Z0-9+.-]*:|[\\/])/.test(indexPath)) return undefined;
  const segments = indexPath.split(/[\\/]+/).filter((s) => s.length > 0 && s !== '.');
  if (segments.length === 0 || segments.some((s) => s === '..')) return undefined;
  let root: WorkspaceRoot | undefined;
  let rest = segments;
  if (roots.length > 1) {
    root = roots.find((r) => r.name === segments[0]);
    rest = segments.slice(1);
  } else {
    root = roots[0];
  }
  if (!root || rest.length === 0) return undefined;
  const resolved = path.resolve(root.fsPath, ...rest);
  return isInside(root.fsPath, resolved) && resolved !== path.resolve(root.fsPath) ? resolved : undefined;
}
