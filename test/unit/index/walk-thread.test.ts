import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openIndex, type SkipReason } from '../../../src/core/index/index';
import { rootsFor, walkRoots, type WalkOptions } from '../../../src/core/index/walk';
import { walkInThread, walkThreadsStarted } from '../../../src/core/index/walk-thread';
import { IGNORE_RULES_TREE, suiteFolders } from './workspace';

const { workspace, emptyDir } = suiteFolders();

/** A tree with every kind of decision the walk makes, at several depths. */
function richTree(): string {
  const dir = workspace({
    ...IGNORE_RULES_TREE,
    '.env': 'TOKEN=x\n',
    'certs/server.pem': 'x\n',
    'logo.png': 'x',
    'big.txt': 'x'.repeat(5000),
    'ünï cödé/ファイル.ts': 'export const u = 1;\n',
    'name with\nnewline.txt': 'x\n',
    'gen/a.ts': 'a\n',
    'src/b.test.ts': 'b\n',
  });
  for (let i = 0; i < 1200; i++) writeFileSync(join(dir, 'sub', 'deeper', `many-${String(i).padStart(4, '0')}.ts`), `export const n${i} = ${i};\n`);
  symlinkSync(join(dir, 'sub'), join(dir, 'loop'));
  return dir;
}

async function both(dirs: string[], options: Omit<WalkOptions, 'onFile' | 'onSkip'>) {
  const roots = rootsFor(dirs);
  const run = async (walk: typeof walkRoots) => {
    const found: unknown[] = [];
    const skips: [string, SkipReason][] = [];
    const files = await walk(roots, { ...options, onFile: (f) => found.push(f), onSkip: (p, r) => skips.push([p, r]) });
    skips.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { files, found, skips };
  };
  return { inline: await run(walkRoots), threaded: await run(walkInThread) };
}

describe('walk on a thread of its own', () => {
  test('finds the same files, in the same order, and leaves out the same ones for the same reasons', async () => {
    const dir = richTree();
    const before = walkThreadsStarted();
    const { inline, threaded } = await both([dir], { maxFileBytes: 4000, exclude: ['gen/**'] });
    assert.equal(walkThreadsStarted(), before + 1);
    assert.ok(inline.files.length > 1200, 'the tree spans several batches');
    assert.deepEqual(threaded.files, inline.files);
    assert.deepEqual(threaded.found, inline.found, 'onFile sees each file, in walk order');
    assert.deepEqual(threaded.skips, inline.skips);
    const reasons = new Set(inline.skips.map(([, r]) => r));
    for (const r of ['ignored', 'excluded', 'secret', 'binary', 'too-large', 'symlink'] as const) assert.ok(reasons.has(r), r);
    assert.ok(inline.files.some((f) => f.rel === 'ünï cödé/ファイル.ts') && inline.files.some((f) => f.rel === 'name with\nnewline.txt'));
  });

  test('several roots (display paths carry the root name) and a walk of one folder', async () => {
    const a = richTree();
    const b = workspace({ 'lib/x.py': 'x = 1\n', '.gitignore': 'lib/skip.py\n', 'lib/skip.py': 'y = 2\n' });
    const many = await both([a, b], { maxFileBytes: 1_000_000 });
    assert.deepEqual(many.threaded.files, many.inline.files);
    assert.deepEqual(many.threaded.skips, many.inline.skips);
    assert.ok(many.inline.files.some((f) => f.root === 1 && f.path.endsWith('/lib/x.py')));
    const one = await both([a], { maxFileBytes: 1_000_000, startAt: { root: 0, rel: 'sub' } });
    assert.deepEqual(one.threaded.files, one.inline.files);
    assert.ok(one.inline.files.length > 0 && one.inline.files.every((f) => f.rel.startsWith('sub/')));
    assert.ok(!one.inline.files.some((f) => f.rel === 'sub/local.txt'), "the parents' ignore files apply");
  });

  test('a cancelled walk stops its thread and rejects as a cancellation', async () => {
    const dir = richTree();
    const roots = rootsFor([dir]);
    const already = new AbortController();
    already.abort();
    await assert.rejects(walkInThread(roots, { maxFileBytes: 1_000_000, signal: already.signal }), { code: 'index-cancelled' });
    const ctl = new AbortController();
    let seen = 0;
    const walking = walkInThread(roots, { maxFileBytes: 1_000_000, signal: ctl.signal, onFile: () => { if (++seen === 1) ctl.abort(); } });
    await assert.rejects(walking, { code: 'index-cancelled' });
    const after = seen;
    await new Promise((r) => setTimeout(r, 50)); // a stopped walk reports nothing more
    assert.equal(seen, after);
  });
});

describe('a reopen walks beside the cache load', () => {
  test('the threaded walk gives the same index as the inline one, and sees what changed while closed', async () => {
    const dir = richTree();
    const cacheDir = emptyDir('minions-cache-');
    const open = async (walkBesideLoadBytes: number) => {
      const skips: string[] = [];
      const threadsBefore = walkThreadsStarted();
      const index = await openIndex({ roots: [dir], cacheDir, workers: 0, walkBesideLoadBytes, onSkip: (p) => skips.push(p) });
      const result = { paths: index.files().map((f) => f.path), stats: { ...index.stats, ms: 0 }, hits: index.search('many export const', { top: 5 }).map((h) => h.chunk.id), skips: skips.sort(), threads: walkThreadsStarted() - threadsBefore };
      await index.dispose();
      return result;
    };
    await open(Infinity); // builds the cache
    const inline = await open(Infinity);
    const threaded = await open(0);
    assert.equal(inline.threads, 0);
    assert.equal(threaded.threads, 1);
    assert.deepEqual(threaded.paths, inline.paths);
    assert.deepEqual(threaded.stats, inline.stats);
    assert.deepEqual(threaded.hits, inline.hits);
    assert.deepEqual(threaded.skips, inline.skips);

    writeFileSync(join(dir, 'added.ts'), 'export const added = 1;\n');
    rmSync(join(dir, 'app.ts'));
    writeFileSync(join(dir, 'keep.log'), 'changed while closed\n');
    utimesSync(join(dir, 'keep.log'), new Date(), new Date(Date.now() + 5000));
    const changed = await open(0);
    assert.ok(changed.paths.includes('added.ts') && !changed.paths.includes('app.ts'));
    assert.equal(changed.stats.files, inline.stats.files);
  });
});
