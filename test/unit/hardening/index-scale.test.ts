// Issue 7, index at scale and oversized input: a generated workspace of many small files is
// indexed with progress throughout and bounded memory, and cancelling half-way stops it with
// index-cancelled; a 50 MB file is left out by the size cap without ever being opened.
// The big tree runs in a child process (scale-child.ts) so its peak RSS is the index's own.
// MINIONS_HARDENING_FILES raises the file count (the 100k: about two minutes here).
import { describe, test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex, type SkipReason } from '../../../src/core/index/index';
import { generateTree } from './scale-tree';

const FILES = Number(process.env.MINIONS_HARDENING_FILES ?? 20_000);
/**
 * Memory may grow with the index, by at most 16 KiB per small file over a fixed 384 MiB (runtime,
 * parse workers, grammars). Measured here: 20k files peak 433 MiB, 100k files 1,281 MiB.
 */
const PEAK_RSS_LIMIT_MIB = 384 + (FILES * 16) / 1024;

interface Figures {
  files: number; outcome: string; genMs: number; ms: number; stats?: { files: number; chunks: number; hits: number };
  progressEvents: number; walkEvents: number; lastChunk: { done: number; total: number }; monotonic: boolean;
  cancelledAtDone?: number; sinceAbortMs?: number; peakRssMiB: number; rssBeforeMiB: number;
}

function child(args: string[], dir: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(__dirname, 'scale-child.ts'), ...args],
      { timeout: 300_000, maxBuffer: 1 << 20, env: { ...process.env, MINIONS_SCALE_DIR: dir } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`scale child failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures);
        } catch {
          reject(new Error(`scale child printed no figures: ${stdout}\n${stderr}`));
        }
      });
  });
}

describe(`index at scale: ${FILES.toLocaleString('en')} generated files`, () => {
  // One tree for both checks: writing (and removing) tens of thousands of files is most of the time.
  const tree = mkdtempSync(join(tmpdir(), 'minions-scale-'));
  before(() => generateTree(tree, FILES));
  after(() => rmSync(tree, { recursive: true, force: true }));

  test('builds completely with progress throughout and bounded memory', async (t) => {
    const f = await child([String(FILES), '2'], tree);
    t.diagnostic(`figures: ${JSON.stringify(f)}`);
    assert.equal(f.outcome, 'built');
    assert.equal(f.stats!.files, FILES);
    assert.equal(f.stats!.chunks >= FILES, true);
    assert.ok(f.stats!.hits > 0, 'the index answers a search');
    assert.deepEqual(f.lastChunk, { done: FILES, total: FILES });
    assert.ok(f.monotonic, 'done never goes backwards');
    // Reports come at most every 100 ms: one per 250 ms of build holds on a fast machine and a slow one.
    const expected = Math.max(3, Math.floor(f.ms / 250));
    assert.ok(f.progressEvents >= expected, `progress reported throughout (${f.progressEvents} events in ${f.ms} ms)`);
    assert.ok(f.progressEvents <= FILES / 10, `progress is batched, not one event per file (${f.progressEvents})`);
    assert.ok(f.peakRssMiB < PEAK_RSS_LIMIT_MIB, `peak RSS ${f.peakRssMiB} MiB`);
  });

  test('cancelling half-way rejects with index-cancelled and stops reading', async (t) => {
    const f = await child([String(FILES), '2', '0.5'], tree);
    t.diagnostic(`figures: ${JSON.stringify(f)}`);
    assert.equal(f.outcome, 'index-cancelled');
    assert.ok(f.cancelledAtDone! >= FILES / 2 && f.cancelledAtDone! < FILES);
    assert.ok(f.lastChunk.done < FILES, `it stopped before the end (${f.lastChunk.done} of ${FILES})`);
  });
});

describe('a 50 MB file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minions-bigfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('is skipped by the size cap without being opened, let alone read whole', async () => {
    writeFileSync(join(dir, 'small.ts'), 'export const small = 1;\n');
    writeFileSync(join(dir, 'huge.ts'), '');
    truncateSync(join(dir, 'huge.ts'), 50 * 1024 * 1024); // sparse: 50 MB by size, no disk time
    assert.equal(fs.statSync(join(dir, 'huge.ts')).size, 52_428_800);
    const touched: string[] = [];
    // Every way node can open or read a file, on the module objects the index's imports resolve through.
    const spies = [
      ...(['openSync', 'readFileSync', 'createReadStream', 'readFile', 'open'] as const).map((name) => spyOn(fs, name, touched)),
      ...(['readFile', 'open'] as const).map((name) => spyOn(fs.promises, name, touched)),
    ];
    const skips = new Map<string, SkipReason>();
    try {
      const index = await openIndex({ roots: [dir], workers: 0, onSkip: (p, r) => skips.set(p, r) });
      assert.deepEqual(index.files().map((f) => f.path), ['small.ts']);
      await index.dispose();
    } finally {
      for (const spy of spies) spy.mock.restore();
    }
    assert.equal(skips.get('huge.ts'), 'too-large');
    assert.ok(touched.some((x) => x.endsWith('small.ts')), 'the spies see the files the index reads');
    assert.deepEqual(touched.filter((x) => x.includes('huge.ts')), [], 'the 50 MB file was never opened');
  });
});

function spyOn<T extends object>(obj: T, name: keyof T & string, touched: string[]): { mock: { restore(): void } } {
  const real = obj[name] as (...a: unknown[]) => unknown;
  return mock.method(obj, name as never, function (this: unknown, ...args: unknown[]) {
    touched.push(`${name}:${String(args[0])}`);
    return real.apply(this, args);
  } as never) as unknown as { mock: { restore(): void } };
}
