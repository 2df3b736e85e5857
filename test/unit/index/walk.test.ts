import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openIndex, type SkipReason } from '../../../src/core/index/index';
import { IGNORE_RULES_TREE, recordOpens, suiteFolders } from './workspace';

const { workspace } = suiteFolders();

async function indexed(dir: string, extra: Partial<Parameters<typeof openIndex>[0]> = {}) {
  const skips = new Map<string, SkipReason>();
  const index = await openIndex({ roots: [dir], workers: 0, onSkip: (p, r) => skips.set(p, r), ...extra });
  const paths = index.files().map((f) => f.path);
  await index.dispose();
  return { paths, skips, stats: index.stats };
}

describe('walk: ignore rules', () => {
  test('.gitignore at every level, negation, .git/info/exclude and .minionsignore', async () => {
    const dir = workspace(IGNORE_RULES_TREE);
    const { paths, skips } = await indexed(dir);
    assert.deepEqual(paths, ['.gitignore', '.minionsignore', 'app.ts', 'keep.log', 'other/local.txt', 'sub/.gitignore', 'sub/code.py', 'sub/deeper/anchored.txt']);
    for (const p of ['debug.log', 'build', 'excluded-by-info.txt', 'private', 'sub/local.txt', 'sub/anchored.txt', 'sub/deeper/local.txt'])
      assert.equal(skips.get(p), 'ignored', p);
    assert.ok(!paths.some((p) => p.startsWith('.git/')), '.git is never entered');
  });

  test('include and exclude globs', async () => {
    const dir = workspace({ 'src/a.ts': 'a\n', 'src/b.test.ts': 'b\n', 'src/gen/c.ts': 'c\n', 'docs/d.md': 'd\n', 'e.ts': 'e\n' });
    const { paths } = await indexed(dir, { include: ['src/**', '*.md'], exclude: ['*.test.ts', 'src/gen/**'] });
    assert.deepEqual(paths, ['docs/d.md', 'src/a.ts']);
  });
});

describe('walk: what is never read', () => {
  test('secret-looking files are left out without being opened', async () => {
    const canary = 'CANARY-SECRET-7f3a9';
    const secrets = ['.env', '.env.local', 'config/.env.production', 'server.pem', 'tls.key', 'id_rsa', 'id_ed25519.pub', 'store.p12', 'credentials', '.npmrc', 'aws/credentials.json'];
    const dir = workspace({ 'app.ts': 'export const ok = true;\n', ...Object.fromEntries(secrets.map((s) => [s, `${canary}\n`])) });
    const { opened, restore } = recordOpens(['openSync', 'readFileSync']);
    try {
      const skips = new Map<string, SkipReason>();
      const index = await openIndex({ roots: [dir], workers: 0, onSkip: (p, r) => skips.set(p, r) });
      assert.deepEqual(index.files().map((f) => f.path), ['app.ts']);
      for (const s of secrets) assert.equal(skips.get(s), 'secret', s);
      assert.equal(index.search(canary).length, 0);
      await index.dispose();
    } finally {
      restore();
    }
    assert.ok(opened.some((p) => p.endsWith('app.ts')), 'the spy sees the files the index reads');
    for (const s of secrets) assert.ok(!opened.some((p) => p.endsWith(s)), `${s} was opened`);
  });

  test('binary files (by content, even named .ts, and by extension) and oversized and minified files', async () => {
    const binary = new Uint8Array(3000).map((_, i) => (i % 7 === 0 ? 0 : 65));
    const dir = workspace({
      'evil.ts': binary,
      'logo.png': 'not even read\n',
      'big.txt': 'x'.repeat(5000) + '\n',
      'bundle.min.js': 'var a=1;'.repeat(3000),
      'fine.ts': 'export const fine = 1;\n',
    });
    const { paths, skips, stats } = await indexed(dir, { maxFileBytes: 4096 });
    assert.deepEqual(paths, ['fine.ts']);
    assert.equal(skips.get('evil.ts'), 'binary');
    assert.equal(skips.get('logo.png'), 'binary');
    assert.equal(skips.get('big.txt'), 'too-large');
    assert.equal(stats.skipped, skips.size);
    const { skips: s2 } = await indexed(dir, { maxFileBytes: 1_000_000 });
    assert.equal(s2.get('bundle.min.js'), 'minified');
    assert.equal(s2.get('big.txt'), 'minified', 'one 5000-character line is not code a reader can use');
  });

  test('a 50 MB file is skipped by its size alone, never opened', async () => {
    const dir = workspace({ 'small.ts': 'export const small = 1;\n' });
    const big = join(dir, 'huge.ts');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 50 * 1024 * 1024); // sparse: 50 MB by size, no disk used
    const { opened, restore } = recordOpens();
    try {
      const { paths, skips } = await indexed(dir);
      assert.deepEqual(paths, ['small.ts']);
      assert.equal(skips.get('huge.ts'), 'too-large');
    } finally {
      restore();
    }
    assert.ok(!opened.includes(big));
  });

  test('symbolic links are not followed: no loops, nothing from outside the workspace', async () => {
    const outside = workspace({ 'outside-secret.ts': 'export const leaked = "OUTSIDE-MARKER";\n' });
    const dir = workspace({ 'src/a.ts': 'export const a = 1;\n' });
    symlinkSync(dir, join(dir, 'src', 'loop'));
    symlinkSync(outside, join(dir, 'out-link'));
    symlinkSync(join(outside, 'outside-secret.ts'), join(dir, 'file-link.ts'));
    const { paths, skips } = await indexed(dir);
    assert.deepEqual(paths, ['src/a.ts']);
    assert.equal(skips.get('src/loop'), 'symlink');
    assert.equal(skips.get('out-link'), 'symlink');
    assert.equal(skips.get('file-link.ts'), 'symlink');
  });
});

describe('walk: odd but valid input', () => {
  test('paths with spaces and unicode', async () => {
    const dir = workspace({ 'dir with space/ünïcode файл.py': 'def grüße():\n    return "hallo"\n' });
    const index = await openIndex({ roots: [dir], workers: 0 });
    assert.deepEqual(index.files().map((f) => f.path), ['dir with space/ünïcode файл.py']);
    assert.equal(index.search('hallo')[0]?.chunk.path, 'dir with space/ünïcode файл.py');
    await index.dispose();
  });

  test('CRLF, lone CR and mixed line endings keep line numbers right', async () => {
    const text = 'line one\r\nline two\rline three\nline four\r\n\r\nfunction target() {\r\n  return 42;\r\n}\r\n';
    const dir = workspace({ 'mixed.ts': text, 'plain.txt': 'a\r\nb\r\nneedle here\r\n' });
    const index = await openIndex({ roots: [dir], workers: 0, chunkTokens: 8 });
    const chunks = index.chunksOf('mixed.ts');
    const target = chunks.find((c) => c.text.includes('function target'))!;
    // An editor shows `function target() {` on line 6 (CRLF, CR and LF each end one line).
    assert.equal(target.text.split('\n')[6 - target.startLine], 'function target() {');
    assert.ok(!target.text.includes('\r'));
    const needle = index.search('needle')[0]!.chunk;
    assert.equal(needle.text.split('\n')[3 - needle.startLine], 'needle here');
    assert.equal(index.files().find((f) => f.path === 'mixed.ts')!.lines, 8);
    await index.dispose();
  });

  test('invalid UTF-8 is indexed without crashing', async () => {
    const bytes = Buffer.concat([Buffer.from('export const before = 1;\n// '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28]), Buffer.from('\nexport const afterInvalid = 2;\n')]);
    const dir = workspace({ 'bad.ts': bytes });
    const index = await openIndex({ roots: [dir], workers: 0 });
    const hit = index.search('afterInvalid')[0]!;
    assert.equal(hit.chunk.path, 'bad.ts');
    assert.ok(hit.chunk.text.includes('\uFFFD'));
    await index.dispose();
  });

  test('a missing folder is a clear error', async () => {
    await assert.rejects(openIndex({ roots: ['/definitely/not/here'] }), (e: Error & { code?: string; hint?: string }) => e.code === 'workspace-missing' && !!e.hint);
  });

  test('a file that vanishes between the walk and the read is skipped, not fatal', async () => {
    const dir = workspace({ 'a.ts': 'export const a = 1;\n', 'b.ts': 'export const b = 2;\n' });
    const skips = new Map<string, SkipReason>();
    const index = await openIndex({
      roots: [dir],
      workers: 0,
      onSkip: (p, r) => skips.set(p, r),
      onProgress: (p) => {
        // The first files are found, none read yet.
        if (p.phase === 'walk' && p.total > 0 && p.done === 0) fs.rmSync(join(dir, 'b.ts'), { force: true });
      },
    });
    assert.deepEqual(index.files().map((f) => f.path), ['a.ts']);
    assert.equal(skips.get('b.ts'), 'unreadable');
    await index.dispose();
  });
});
