// Change detection: which files are candidates and whether their content changed. A file is
// judged first by its stat (size + mtime against what the index or the cache saw), then, once
// read, by the hash of its bytes; the walk's rules decide, for a single path, whether it may be
// read at all (ignore files, globs, secret names, binary extensions).
import { sha1 } from './sha1';
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { looksBinary, SNIFF_BYTES, hasBinaryExtension } from './binary';
import { IgnoreStack } from './ignore-rules';
import { isSecretFileName } from './secrets';
import { absPath, type GlobFilter, type SkipReason, type WalkRoot } from './walk';

export type ReadOutcome =
  | { kind: 'content'; hash: string; bytes: Uint8Array }
  | { kind: 'skip'; reason: SkipReason };

/** The same size and mtime as last seen: the file is taken as unchanged without reading it. */
export function sameStat(a: { size: number; mtimeMs: number }, b: { size: number; mtimeMs: number }): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Reads a candidate whole and hashes it; a binary file is closed after its first bytes. */
export function readCandidate(abs: string, size: number, sniff = true): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return { kind: 'skip', reason: 'unreadable' };
  }
  try {
    const bytes = new Uint8Array(size);
    // Sniff a small prefix first: a binary file is closed after SNIFF_BYTES, not read whole.
    const head = readSync(fd, bytes, 0, Math.min(size, SNIFF_BYTES), 0);
    if (sniff && looksBinary(bytes.subarray(0, head))) return { kind: 'skip', reason: 'binary' };
    let off = head;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = off === size ? bytes : bytes.subarray(0, off);
    return { kind: 'content', hash: sha1(data, 'hex'), bytes: data };
  } catch {
    return { kind: 'skip', reason: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}

/** Resolves an absolute or workspace-relative path to a root and root-relative path. */
export function locate(roots: readonly WalkRoot[], p: string): { root: number; rel: string } | undefined {
  if (isAbsolute(p)) {
    for (let i = 0; i < roots.length; i++) {
      const rel = relative(roots[i]!.abs, p);
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return { root: i, rel: rel.split(sep).join('/') };
    }
    return undefined;
  }
  const norm = p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < roots.length; i++) {
    const prefix = roots[i]!.prefix;
    if (!prefix) return { root: i, rel: norm === '.' ? '' : norm };
    if (norm + '/' === prefix) return { root: i, rel: '' };
    if (norm.startsWith(prefix)) return { root: i, rel: norm.slice(prefix.length) };
  }
  return undefined;
}

/** The walk's rules for a single path: ignore files along its folders, globs, secrets, binaries. */
export function admits(root: WalkRoot, globs: GlobFilter, rel: string, isDir: boolean): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p === '.git' || p === '.hg' || p === '.svn' || p === '.minions')) return false;
  let rules = IgnoreStack.forRoot(root.abs);
  let dirRel = '';
  for (let i = 0; i < parts.length; i++) {
    const partRel = parts.slice(0, i + 1).join('/');
    const last = i === parts.length - 1;
    if (rules.ignores(partRel, last ? isDir : true)) return false;
    if (!last) {
      dirRel = partRel;
      rules = rules.enter(absPath(root, dirRel), dirRel);
      if (globs.excludesDir(dirRel)) return false;
    }
  }
  if (isDir) return !globs.excludesDir(rel);
  if (isSecretFileName(rel) || hasBinaryExtension(rel)) return false;
  const paths = root.prefix ? [rel, root.prefix + rel] : [rel];
  return globs.accepts(paths);
}
