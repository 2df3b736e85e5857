// Enumerates the files of the workspace roots that may be indexed. Everything that must never be
// read is decided here, before a file is opened: ignore rules, user globs, secret-looking names,
// known binary extensions, the size cap. Symbolic links are never followed, so link loops and
// links that leave the workspace cannot pull anything in.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { normalize, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import { MinionsError } from '../errors';
import { IgnoreStack, type FolderRules } from './ignore-rules';
import { isSecretFileName } from './secrets';
import { hasBinaryExtension } from './binary';
import { nameRoots, rootPrefix } from './paths';
import { maxBytesFor } from './documents';

export interface WalkRoot {
  readonly abs: string;
  /** Prefix of display paths ('' for a single root, else the root's folder name + '/'). */
  readonly prefix: string;
}

export interface WalkedFile {
  readonly root: number;
  readonly abs: string;
  /** Root-relative path with `/`. */
  readonly rel: string;
  /** Workspace path as the index shows it (root prefix + rel). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export type SkipReason = 'ignored' | 'excluded' | 'secret' | 'binary' | 'too-large' | 'symlink' | 'unreadable' | 'minified' | 'unreadable-document';

export interface WalkOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileBytes: number;
  signal?: AbortSignal;
  onSkip?: (path: string, reason: SkipReason) => void;
  /** Each file as it is found, in walk order (the result lists the same files). */
  onFile?: (file: WalkedFile) => void;
  /** Walk only this folder of one root (its ignore files and those of its parents apply). */
  startAt?: { root: number; rel: string };
}

/** Version-control metadata folders, never entered. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', '.minions']);

export class GlobFilter {
  private readonly include: Minimatch[];
  private readonly exclude: Minimatch[];
  constructor(include: readonly string[] = [], exclude: readonly string[] = []) {
    // A pattern without a slash matches at any depth, as in .gitignore and files.exclude.
    const make = (g: string) => new Minimatch(g, { dot: true, matchBase: !g.includes('/') });
    this.include = include.map(make);
    this.exclude = exclude.map(make);
  }
  get hasInclude(): boolean {
    return this.include.length > 0;
  }
  excludesDir(dir: string): boolean {
    return this.exclude.some((m) => m.match(dir) || m.match(dir + '/'));
  }
  accepts(paths: readonly string[]): boolean {
    if (this.exclude.some((m) => paths.some((p) => m.match(p)))) return false;
    return this.include.length === 0 || this.include.some((m) => paths.some((p) => m.match(p)));
  }
}

/** The error a cancelled index build ends with. */
export function indexCancelled(): MinionsError {
  return new MinionsError('index-cancelled', 'Indexing was cancelled', 'Run the index again when you are ready');
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw indexCancelled();
}

/** Yields to the event loop so a long walk neither blocks the host nor misses a cancellation. */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export function rootsFor(roots: readonly string[]): WalkRoot[] {
  const named = nameRoots(roots);
  // Normalised once here, so absPath() and the walk can concatenate onto it.
  return named.map((r, i) => ({ abs: normalize(r.fsPath), prefix: rootPrefix(named, i) }));
}

/**
 * A root-relative path (`/`-separated, as the walk makes them) as a path on disk: the one place
 * the index turns one into the other. Concatenated, not join()ed: the root is normalised and the
 * relative path is clean, and a reopen makes one per file.
 */
export function absPath(root: WalkRoot, rel: string): string {
  if (!rel) return root.abs;
  const tail = sep === '/' ? rel : rel.split('/').join(sep);
  return root.abs.endsWith(sep) ? root.abs + tail : root.abs + sep + tail;
}

export async function walkRoots(roots: readonly WalkRoot[], options: WalkOptions): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const globs = new GlobFilter(options.include, options.exclude);
  const skip = options.onSkip ?? (() => {});
  let sinceYield = 0;
  for (let r = 0; r < roots.length; r++) {
    if (options.startAt && options.startAt.root !== r) continue;
    const root = roots[r]!;
    const stack: { abs: string; rel: string; rules: FolderRules }[] = [startOf(root, options.startAt?.rel ?? '')];
    while (stack.length) {
      const dir = stack.pop()!;
      if (++sinceYield >= 64) {
        sinceYield = 0;
        await yieldToLoop();
        checkAborted(options.signal);
      }
      let entries: Dirent[];
      try {
        entries = readdirSync(dir.abs, { withFileTypes: true });
      } catch {
        skip(root.prefix + dir.rel, 'unreadable');
        continue;
      }
      const names = new Set(entries.map((e) => e.name));
      const rules = dir.rel === '' ? dir.rules : dir.rules.enter(dir.abs, names);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: typeof stack = [];
      for (const e of entries) {
        const rel = dir.rel === '' ? e.name : `${dir.rel}/${e.name}`;
        const path = root.prefix + rel;
        // As absPath(): the folder is normalised and a name has no separator (join()'s normalising
        // pass was a tenth of a warm walk).
        const abs = dir.abs.endsWith(sep) ? dir.abs + e.name : dir.abs + sep + e.name;
        if (e.isSymbolicLink()) {
          skip(path, 'symlink');
          continue;
        }
        if (e.isDirectory()) {
          if (ALWAYS_SKIPPED_DIRS.has(e.name)) continue;
          const below = rules.folder(e.name, rel);
          if (!below) skip(path, 'ignored');
          else if (globs.excludesDir(rel) || (root.prefix && globs.excludesDir(path))) skip(path, 'excluded');
          else subdirs.push({ abs, rel, rules: below });
          continue;
        }
        if (!e.isFile()) continue;
        if (isSecretFileName(rel)) {
          skip(path, 'secret');
          continue;
        }
        if (rules.ignoresFile(e.name, rel)) {
          skip(path, 'ignored');
          continue;
        }
        if (!globs.accepts(root.prefix ? [rel, path] : [rel])) {
          skip(path, 'excluded');
          continue;
        }
        if (hasBinaryExtension(rel)) {
          skip(path, 'binary');
          continue;
        }
        let size: number, mtimeMs: number;
        try {
          const st = statSync(abs);
          size = st.size;
          mtimeMs = st.mtimeMs;
        } catch {
          skip(path, 'unreadable');
          continue;
        }
        if (size > maxBytesFor(rel, options.maxFileBytes)) {
          skip(path, 'too-large');
          continue;
        }
        const file: WalkedFile = { root: r, abs, rel, path, size, mtimeMs };
        files.push(file);
        options.onFile?.(file);
      }
      // Depth-first in name order: reverse so the first name is popped first.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }
  checkAborted(options.signal);
  return files;
}

/** The walk's starting frame for a folder: the ignore rules of every folder above it applied. */
function startOf(root: WalkRoot, rel: string): { abs: string; rel: string; rules: FolderRules } {
  let rules = IgnoreStack.forRoot(root.abs);
  if (!rel) return { abs: root.abs, rel: '', rules: rules.inFolder('') };
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dirRel = parts.slice(0, i).join('/');
    rules = rules.enter(absPath(root, dirRel), dirRel);
  }
  return { abs: absPath(root, rel), rel, rules: rules.inFolder(rel) };
}
