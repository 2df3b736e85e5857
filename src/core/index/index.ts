// The workspace index: walk -> read -> chunk (parse workers) -> lexical index, cached on disk.
// `openIndex` builds or reopens it; `update` and `refresh` keep it current. Everything a caller
// sees is in ./types and ./options; the roles behind it live in their own modules:
//   changes.ts      change detection (stat, read + sniff + hash, the walk's rules for one path)
//   pipeline.ts     the build/update pipeline
//   file-table.ts   the live records and their lexical index
//   persistence.ts  restoring from and writing to the disk cache
//   ranking.ts      search ranking policy
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { MinionsError } from '../errors';
import { removeSnapshots } from './store';
import { Index } from './pipeline';
import type { OpenIndexOptions, WorkspaceIndex } from './options';

export type { SkipReason } from './walk';
export type { OpenIndexOptions, RefreshOptions, WorkspaceIndex } from './options';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_CHUNK_TOKENS } from './options';
export { isSecondaryPath } from './ranking';

function checkRoots(roots: readonly string[]): void {
  if (roots.length === 0) throw new MinionsError('workspace-missing', 'No folder to index', 'Open a folder or pass --workspace DIR');
  for (const r of roots) {
    let isDir = false;
    try {
      isDir = statSync(r).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isAbsolute(r) || !isDir)
      throw new MinionsError('workspace-missing', `The folder ${r} does not exist or is not a directory`, 'Pass an existing folder (an absolute path) to index');
  }
}

export async function openIndex(options: OpenIndexOptions): Promise<WorkspaceIndex> {
  checkRoots(options.roots);
  const index = new Index(options);
  try {
    index.loadCache();
    await index.refresh({ signal: options.signal, onProgress: options.onProgress });
  } catch (err) {
    await index.closeAfterFailure();
    throw err;
  }
  return index;
}

export async function clearIndexCache(cacheDir: string): Promise<void> {
  removeSnapshots(cacheDir);
}
