// Builds throw-away workspaces for the index tests (removed by the tests that make them), and
// records which files the index opens.
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { after, mock } from 'node:test';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Ignore rules at every level: .gitignore (with a negation), .git/info/exclude, .minionsignore. */
export const IGNORE_RULES_TREE: Record<string, string> = {
  '.gitignore': '*.log\nbuild/\n!keep.log\n',
  '.git/info/exclude': 'excluded-by-info.txt\n',
  '.git/config': '[core]\n',
  '.minionsignore': 'private/\n',
  'app.ts': 'export const a = 1;\n',
  'debug.log': 'noise\n',
  'keep.log': 'kept\n',
  'build/out.js': 'built\n',
  'excluded-by-info.txt': 'x\n',
  'private/notes.md': '# private\n',
  'sub/.gitignore': 'local.txt\n/anchored.txt\n',
  'sub/local.txt': 'x\n',
  'sub/anchored.txt': 'x\n',
  'sub/deeper/anchored.txt': 'not anchored here\n',
  'sub/deeper/local.txt': 'ignored at any depth below sub\n',
  'sub/code.py': 'def f():\n    return 1\n',
  'other/local.txt': 'not under sub: kept\n',
};

export function makeWorkspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'minions-index-'));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function removeWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A test file's throw-away folders (a workspace with files, or an empty one), removed after its tests. */
export function suiteFolders(): { workspace(files: Record<string, string | Uint8Array>): string; emptyDir(prefix: string): string } {
  const made: string[] = [];
  after(() => made.forEach(removeWorkspace));
  const keep = (dir: string) => (made.push(dir), dir);
  return { workspace: (files) => keep(makeWorkspace(files)), emptyDir: (prefix) => keep(mkdtempSync(join(tmpdir(), prefix))) };
}

/**
 * Records the path of every file opened through the given fs functions (the index reads files
 * only through these) until `restore()`: how the tests prove a file was never opened.
 */
export function recordOpens(names: ReadonlyArray<'openSync' | 'readFileSync'> = ['openSync']): { opened: string[]; restore(): void } {
  const opened: string[] = [];
  const spies = names.map((name) => {
    const real = fs[name] as (...args: unknown[]) => unknown;
    return mock.method(fs, name, function (this: unknown, ...args: unknown[]) {
      opened.push(String(args[0]));
      return real.apply(this, args);
    });
  });
  return { opened, restore: () => spies.forEach((s) => s.mock.restore()) };
}
