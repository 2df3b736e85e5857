// Builds throw-away workspaces for the index tests (removed by the tests that make them), and
// records which files the index opens.
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mock } from 'node:test';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
