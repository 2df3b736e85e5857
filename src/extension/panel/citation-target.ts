// Where a citation from the webview may point: only at a file inside one of the workspace
// folders. The webview renders model output, so a citation is untrusted input: besides the
// core's lexical check (an absolute path, a `..` escape, a URI), a link leading out of the
// workspace is refused too. No `vscode` import, so this is unit-tested in plain Node.

import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { fromIndexPath, type WorkspaceRoot } from '../../core/index/paths';

/**
 * The absolute path of the file an index path names, when it is inside a folder after
 * following links; undefined for anything else (missing files included).
 */
export async function resolveCitationFile(roots: readonly WorkspaceRoot[], citationPath: string): Promise<string | undefined> {
  const resolved = fromIndexPath(roots, citationPath);
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
    const rel = path.relative(realRoot, real);
    if (rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel)) return resolved;
  }
  return undefined;
}
