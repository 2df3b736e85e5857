import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { openIndex, clearIndexCache, type WorkspaceIndex } from '../../../src/core/index/index';
import { MinionsError } from '../../../src/core/errors';
import { createChunkRunner } from '../../../src/core/index/parse-pool';
import type { ChunkRequest } from '../../../src/core/index/chunker';
import type { ReceivedResult } from '../../../src/core/index/parse-wire';
import { specList } from '../../../src/core/index/spec-columns';
import { makeWorkspace, recordOpens, removeWorkspace, writeFiles } from './workspace';

const made: string[] = [];
after(() => made.forEach(removeWorkspace));
function workspace(files: Record<string, string>): string {
  const dir = makeWorkspace(files);
  made.push(dir);
  return dir;
}
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'minions-cache-'));
  made.push(d);
  return d;
}

/** A pool whose parse processes run `script` (and exit with code 3): threads take their files over and give the inline chunks. */
async function threadsTakeOver(script: string, reqs: ChunkRequest[], direct: ReceivedResult[]): Promise<void> {
  const { fork } = await import('node:child_process');
  const file = join(tempDir(), 'parse-process-stand-in.js');
  writeFileSync(file, script);
  const pool = createChunkRunner(2, { place: 'processes', startProcess: () => fork(file, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }) });
  try {
    assert.deepEqual((await Promise.all(reqs.map((r) => pool.chunk(r)))).map((r) => specList(r.chunks)), direct.map((r) => specList(r.chunks)));
    assert.equal(pool.runsIn, 'threads');
    assert.match(String(pool.fallback), /parse process exited \(code 3\)/);
  } finally {
    await pool.close();
  }
}

const REPO = {
  'src/retry/policy.ts':
    'export class RetryPolicy {\n  constructor(readonly maxAttempts = 3, readonly backoffMs = 200) {}\n  /** Delay before the next attempt, doubling each time. */\n  nextDelay(attempt: number): number {\n    return this.backoffMs * 2 ** attempt;\n  }\n  shouldRetry(status: number, attempt: number): boolean {\n    return attempt < this.maxAttempts && (status === 429 || status >= 500);\n  }\n}\n',
  'src/http/client.ts':
    "import { RetryPolicy } from '../retry/policy';\nexport async function sendRequest(url: string, policy = new RetryPolicy()): Promise<Response> {\n  for (let attempt = 0; ; attempt++) {\n    const res = await fetch(url);\n    if (!policy.shouldRetry(res.status, attempt)) return res;\n    await new Promise((r) => setTimeout(r, policy.nextDelay(attempt)));\n  }\n}\n",
  'src/ui/theme.ts': "export const colors = { primary: '#336699', background: '#ffffff' };\nexport function darken(color: string): string {\n  return color;\n}\n",
  'docs/guide.md': '# Guide\n\n## Theme colors\n\nThe theme uses a primary color and a background color.\n',
  'scripts/parse_config.py':
    'import json\n\n\ndef parse_config_file(path):\n    """Read the JSON configuration file."""\n    with open(path) as fh:\n        return json.load(fh)\n\n\ndef validate_config(config):\n    if "name" not in config:\n        raise KeyError("name")\n    return config\n',
};

async function open(dir: string, extra: Partial<Parameters<typeof openIndex>[0]> = {}): Promise<WorkspaceIndex> {
  return openIndex({ roots: [dir], workers: 0, ...extra });
}

describe('search ranking', () => {
  test('identifiers are split and symbols and paths weigh: the right file comes first', async () => {
    const index = await open(workspace(REPO));
    try {
      assert.equal(index.search('where is the retry policy decided?')[0]!.chunk.path, 'src/retry/policy.ts');
      assert.equal(index.search('retry policy')[0]!.chunk.symbol, 'RetryPolicy');
      assert.equal(index.searchFiles('how is the config file parsed')[0]!.path, 'scripts/parse_config.py');
      assert.equal(index.searchFiles('ValueError in validateConfig')[0]!.path, 'scripts/parse_config.py', 'camelCase in the question finds snake_case code');
      assert.equal(index.searchFiles('darken the primary colors')[0]!.path, 'src/ui/theme.ts');
      const trace = 'Traceback (most recent call last):\n  File "scripts/parse_config.py", line 12, in validate_config\nKeyError: name';
      assert.equal(index.searchFiles(trace)[0]!.path, 'scripts/parse_config.py');
      assert.deepEqual(index.search('zzzunknownword'), []);
    } finally {
      await index.dispose();
    }
  });

  test('a search for one exact compound name finds the chunk holding it before chunks that only share its words', async () => {
    // The name is in one place; its words fill a few other files many times over, and most of
    // the codebase has none of them (so each word is telling, as in a real tree).
    const filler = (i: number) => `export function widget${i}(size: number) {\n  const area = size * size;\n  return { area, label: 'widget ${i}' };\n}\n`;
    const wordy = (i: number) => `export function handler${i}(input: Input) {\n  const parsed = parse(input.response, parse.http);\n  return httpResponse(parsed, input.response, parseResponse(input.http, http));\n}\n`;
    const files: Record<string, string> = {
      'src/wire/decode.ts': `export function decode(raw: string, options: DecodeOptions) {\n  const trimmed = raw.trim();\n  const value = parseHttpResponse(trimmed);\n  if (options.strict && !value.ok) throw new DecodeError(trimmed);\n  return value;\n}\n`,
    };
    for (let i = 0; i < 4; i++) files[`src/net/handler${i}.ts`] = wordy(i);
    for (let i = 0; i < 150; i++) files[`src/ui/widget${i}.ts`] = filler(i);
    const index = await open(workspace(files));
    try {
      assert.equal(index.search('parseHttpResponse')[0]!.chunk.path, 'src/wire/decode.ts');
      assert.equal(index.search('where is parseHttpResponse called')[0]!.chunk.path, 'src/wire/decode.ts', 'a few words around the name');
      // Its words alone still find the files full of them.
      assert.match(index.search('parse http response')[0]!.chunk.path, /^src\/net\//);
    } finally {
      await index.dispose();
    }
  });

  test('copies of one content are each indexed as the first, parse workers or not', async () => {
    const spec = 'import { runFormatTest } from "../harness";\nrunFormatTest(import.meta, ["babel", "flow"]);\n';
    const files: Record<string, string> = { 'src/other.ts': 'export const unrelated = 1;\n' };
    for (let i = 0; i < 5; i++) files[`tests/case${i}/format.spec.ts`] = spec;
    const dir = workspace(files);
    for (const workers of [0, 2]) {
      const index = await openIndex({ roots: [dir], workers, parseBudgetMs: 120_000 });
      try {
        const hits = index.search('runFormatTest babel flow', { top: 10 });
        assert.deepEqual(hits.map((h) => h.chunk.path).sort(), Object.keys(files).filter((p) => p.startsWith('tests/')).sort(), `workers ${workers}`);
        assert.equal(new Set(hits.map((h) => h.score.toFixed(9))).size, 1, 'every copy scores the same');
      } finally {
        await index.dispose();
      }
    }
  });

  test('file-level results aggregate chunks, best first, and honour top', async () => {
    const index = await open(workspace(REPO));
    try {
      const files = index.searchFiles('retry attempt policy', { top: 2 });
      assert.equal(files.length, 2);
      assert.deepEqual(new Set(files.map((f) => f.path)), new Set(['src/retry/policy.ts', 'src/http/client.ts']));
      assert.ok(files[0]!.score >= files[1]!.score);
      for (const f of files) assert.ok(f.chunks.length >= 1 && f.chunks.every((c) => c.chunk.path === f.path));
    } finally {
      await index.dispose();
    }
  });

  test('globs and scope filter results', async () => {
    const index = await open(workspace(REPO));
    try {
      const all = index.search('color theme', { top: 20 }).map((h) => h.chunk.path);
      assert.ok(all.includes('docs/guide.md') && all.includes('src/ui/theme.ts'));
      assert.deepEqual([...new Set(index.search('color theme', { globs: ['**/*.md'] }).map((h) => h.chunk.path))], ['docs/guide.md']);
      assert.deepEqual([...new Set(index.search('color theme', { scope: ['src/ui'] }).map((h) => h.chunk.path))], ['src/ui/theme.ts']);
      assert.deepEqual(index.search('color theme', { scope: ['src/retry'] }), []);
      assert.equal(index.search('color theme', { scope: ['.'] }).length, index.search('color theme').length);
    } finally {
      await index.dispose();
    }
  });

  test('files(), chunksOf() and getChunk() describe the index', async () => {
    const index = await open(workspace(REPO));
    try {
      const files = index.files();
      assert.deepEqual(files.map((f) => f.path), Object.keys(REPO).sort());
      const policy = files.find((f) => f.path === 'src/retry/policy.ts')!;
      assert.equal(policy.language, 'typescript');
      assert.equal(policy.lines, 10);
      assert.deepEqual(policy.symbols, ['RetryPolicy']);
      const chunks = index.chunksOf('scripts/parse_config.py');
      assert.ok(chunks.length >= 1);
      for (const c of chunks) assert.deepEqual(index.getChunk(c.id), c);
      assert.equal(chunks[0]!.id, `scripts/parse_config.py:${chunks[0]!.startLine}-${chunks[0]!.endLine}`);
      assert.equal(index.stats.files, 5);
      assert.equal(index.stats.chunks, files.reduce((n, f) => n + f.chunks, 0));
    } finally {
      await index.dispose();
    }
  });
});

describe('incremental updates', () => {
  test('an update sees an edit that left size and mtime as they were (two writes in one tick of the file clock)', async () => {
    const dir = workspace(REPO);
    const index = await open(dir);
    try {
      const file = join(dir, 'src/retry/policy.ts');
      // Whole seconds, so both writes carry exactly the same mtime.
      const tick = Math.floor(Date.now() / 1000);
      writeFileSync(file, 'export const alphaTimeout = 10;\n');
      utimesSync(file, tick, tick);
      await index.update([file]);
      assert.equal(index.search('alphaTimeout')[0]!.chunk.path, 'src/retry/policy.ts');
      // The same size, and the same mtime, as a second write within one tick leaves them.
      writeFileSync(file, 'export const gammaTimeout = 10;\n');
      utimesSync(file, tick, tick);
      assert.equal(statSync(file).mtimeMs, tick * 1000);
      await index.update([file]);
      assert.equal(index.search('gammaTimeout')[0]?.chunk.path, 'src/retry/policy.ts');
      assert.ok(!index.chunksOf('src/retry/policy.ts').some((c) => c.text.includes('alphaTimeout')), 'the old text is gone');
      // A walk still trusts an unchanged stat: a refresh does not read the file again.
      const opens = recordOpens();
      try {
        await index.refresh();
        assert.ok(!opens.opened.some((p) => p.endsWith('policy.ts')), `opened: ${opens.opened.join(', ')}`);
      } finally {
        opens.restore();
      }
    } finally {
      await index.dispose();
    }
  });

  test('edit, add, delete and rename update only their own chunks', async () => {
    const dir = workspace(REPO);
    const index = await open(dir);
    try {
      const before = index.chunksOf('src/ui/theme.ts').map((c) => c.id);
      // edit
      writeFileSync(join(dir, 'src/retry/policy.ts'), 'export const jitterFactor = 0.25;\n');
      await index.update([join(dir, 'src/retry/policy.ts')]);
      assert.equal(index.search('jitterFactor')[0]!.chunk.path, 'src/retry/policy.ts');
      assert.ok(!index.search('backoffMs').some((h) => h.chunk.path === 'src/retry/policy.ts'), 'old text is gone');
      assert.deepEqual(index.chunksOf('src/ui/theme.ts').map((c) => c.id), before);
      // add (workspace-relative path)
      writeFiles(dir, { 'src/new/feature.ts': 'export function launchRocket() { return "liftoff"; }\n' });
      await index.update(['src/new/feature.ts']);
      assert.equal(index.search('launch rocket')[0]!.chunk.path, 'src/new/feature.ts');
      // rename
      renameSync(join(dir, 'src/new/feature.ts'), join(dir, 'src/new/moved.ts'));
      await index.update(['src/new/feature.ts', 'src/new/moved.ts']);
      assert.deepEqual(index.chunksOf('src/new/feature.ts'), []);
      assert.equal(index.search('launchRocket')[0]!.chunk.path, 'src/new/moved.ts');
      // delete
      rmSync(join(dir, 'src/new/moved.ts'));
      await index.update([join(dir, 'src/new/moved.ts')]);
      assert.deepEqual(index.search('launchRocket'), []);
      assert.equal(index.stats.files, 5);
      // a folder renamed: one update for the old and the new name
      renameSync(join(dir, 'src/ui'), join(dir, 'src/view'));
      await index.update(['src/ui', 'src/view']);
      assert.deepEqual(index.files().map((f) => f.path).filter((p) => p.includes('theme')), ['src/view/theme.ts']);
      // a path the rules exclude is not added
      writeFiles(dir, { '.env': 'SECRET=1\n', 'notes.log': 'x\n', '.gitignore': '*.log\n' });
      await index.update(['.env', 'notes.log', '.gitignore']);
      assert.ok(!index.files().some((f) => f.path === '.env' || f.path === 'notes.log'));
    } finally {
      await index.dispose();
    }
  });

  test('refresh() picks up changes made behind its back and reports stats', async () => {
    const dir = workspace(REPO);
    const index = await open(dir);
    try {
      writeFiles(dir, { 'added.py': 'def brand_new_helper():\n    return 1\n' });
      rmSync(join(dir, 'docs/guide.md'));
      const stats = await index.refresh();
      assert.equal(stats.files, 5);
      assert.equal(index.searchFiles('brand new helper')[0]!.path, 'added.py');
      assert.deepEqual(index.chunksOf('docs/guide.md'), []);
    } finally {
      await index.dispose();
    }
  });
});

describe('on-disk cache', () => {
  test('reopening an unchanged workspace reads no file; a changed one re-reads only it', async () => {
    const dir = workspace({ ...REPO, 'data.ts': '\u0000\u0001binary'.repeat(50), 'vendor/lib.min.js': 'var a=1;'.repeat(2000) });
    const cacheDir = tempDir();
    const first = await open(dir, { cacheDir });
    const expected = first.search('retry policy').map((h) => h.chunk.id);
    await first.dispose();
    assert.ok(readdirSync(cacheDir).some((n) => n.startsWith('index-')));

    const { opened, restore } = recordOpens();
    try {
      const second = await open(dir, { cacheDir });
      assert.deepEqual(second.search('retry policy').map((h) => h.chunk.id), expected);
      assert.equal(second.stats.files, 5);
      await second.dispose();
      assert.deepEqual(opened.filter((p) => p.startsWith(dir)), [], 'nothing in the workspace was opened');

      writeFileSync(join(dir, 'src/ui/theme.ts'), 'export const accent = "#ff0000";\n');
      utimesSync(join(dir, 'src/ui/theme.ts'), new Date(), new Date(Date.now() + 5000));
      const third = await open(dir, { cacheDir });
      assert.deepEqual(opened.filter((p) => p.startsWith(dir)), [join(dir, 'src/ui/theme.ts')]);
      assert.equal(third.search('accent')[0]!.chunk.path, 'src/ui/theme.ts');
      await third.dispose();
    } finally {
      restore();
    }
    await clearIndexCache(cacheDir);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  test('several roots reopen from the cache as they were built, reading no file; older cache formats are dropped', async () => {
    const a = workspace(REPO);
    const b = workspace({ 'lib/util.ts': 'export function retryLater() { return 1; }\n', 'README.md': '# Util\n\nRetry helpers.\n' });
    const cacheDir = tempDir();
    const first = await openIndex({ roots: [a, b], workers: 0, cacheDir });
    const files = first.files();
    const hits = (ix: WorkspaceIndex) => ['retry policy', 'retryLater', 'util readme'].map((q) => ix.search(q).map((h) => [h.chunk.id, h.score]));
    const expected = hits(first);
    await first.dispose();
    assert.ok(files.some((f) => f.path.startsWith(`${a.split('/').pop()}/`)) && files.some((f) => f.path.startsWith(`${b.split('/').pop()}/`)));

    const { opened, restore } = recordOpens();
    try {
      const second = await openIndex({ roots: [a, b], workers: 0, cacheDir });
      assert.deepEqual(second.files(), files);
      assert.deepEqual(hits(second), expected);
      await second.dispose();
      assert.deepEqual(opened.filter((p) => p.startsWith(a) || p.startsWith(b)), [], 'nothing in either root was opened');
    } finally {
      restore();
    }

    // A cache this configuration wrote in an earlier format, and another configuration's: the
    // next save drops the first and keeps the second.
    const name = readdirSync(cacheDir).find((n) => n.endsWith('.bin'))!;
    const older = name.replace(/\.v\d+\.bin$/, '.v1.bin');
    const other = 'index-0123456789abcdef.v1.bin';
    writeFileSync(join(cacheDir, older), 'old');
    writeFileSync(join(cacheDir, other), 'other');
    utimesSync(join(b, 'README.md'), new Date(), new Date(Date.now() + 5000));
    await (await openIndex({ roots: [a, b], workers: 0, cacheDir })).dispose();
    assert.deepEqual(readdirSync(cacheDir).sort(), [name, other].sort());
  });

  test('a cache whose postings are big enough to be stored raw reopens equal; cut inside them, it is rebuilt', async () => {
    // 400 files of 80 distinct identifiers: over 32k postings, so the arrays go raw (past 64 KB).
    const files: Record<string, string> = {};
    for (let f = 0; f < 400; f++) files[`src/m${f}.ts`] = Array.from({ length: 80 }, (_, i) => `export const value${f}x${i} = ${i};`).join('\n') + '\n';
    const dir = workspace(files);
    const cacheDir = tempDir();
    const first = await open(dir, { cacheDir });
    const queries = ['value12x7', 'value399x79 value0x0', 'export const'];
    const expected = queries.map((q) => first.search(q).map((h) => [h.chunk.id, h.score]));
    await first.dispose();
    const name = readdirSync(cacheDir).find((n) => n.endsWith('.bin'))!;
    const cacheFile = join(cacheDir, name);
    const bytes = readFileSync(cacheFile);
    const headerBytes = bytes.readUInt32LE(0);
    const head = deserialize(bytes.subarray(4, 4 + headerBytes)) as { rawMarks?: number };
    assert.ok((head.rawMarks ?? 0) > 0, 'typed arrays are stored raw after the header frame');

    const second = await open(dir, { cacheDir });
    assert.deepEqual(queries.map((q) => second.search(q).map((h) => [h.chunk.id, h.score])), expected);
    await second.dispose();

    // Cut the file inside the raw arrays: the cache is damaged, the index rebuilds and answers alike.
    writeFileSync(cacheFile, bytes.subarray(0, 4 + headerBytes + 1000));
    const third = await open(dir, { cacheDir });
    assert.deepEqual(queries.map((q) => third.search(q).map((h) => [h.chunk.id, h.score])), expected);
    assert.equal(third.stats.files, 400);
    await third.dispose();
  });

  test('an index restored from the cache keeps updating like a fresh one', async () => {
    const dir = workspace(REPO);
    const cacheDir = tempDir();
    await (await open(dir, { cacheDir })).dispose();
    const restored = await open(dir, { cacheDir });
    writeFileSync(join(dir, 'src/http/client.ts'), 'export function sendRequest() { return "no retries here"; }\n');
    rmSync(join(dir, 'docs/guide.md'));
    writeFiles(dir, { 'src/extra.ts': 'export const retryBudget = 5;\n' });
    await restored.update(['src/http/client.ts', 'docs/guide.md', 'src/extra.ts']);
    const fresh = await open(dir);
    try {
      for (const q of ['retry policy attempt', 'theme color', 'no retries here', 'retryBudget', 'parse config'])
        assert.deepEqual(restored.search(q).map((h) => [h.chunk.id, h.score.toFixed(6)]), fresh.search(q).map((h) => [h.chunk.id, h.score.toFixed(6)]), q);
      assert.deepEqual(restored.files(), fresh.files());
      assert.deepEqual(restored.stats.chunks, fresh.stats.chunks);
    } finally {
      await restored.dispose();
      await fresh.dispose();
    }
  });

  test('texts come back from the cache file; cleared, replaced or damaged, from the files themselves', async () => {
    const dir = workspace(REPO);
    const cacheDir = tempDir();
    const textsOf = (index: WorkspaceIndex) => Object.keys(REPO).map((p) => index.chunksOf(p).map((c) => c.text).join('\n'));
    const fresh = await open(dir);
    const expected = textsOf(fresh);
    await fresh.dispose();
    // A build spools its texts beside the cache (a crashed process's spool is cleared) and reads
    // them back from there; closing removes the spool.
    writeFileSync(join(cacheDir, 'spool-999999999-0.tmp'), 'left by a crash');
    const building = await open(dir, { cacheDir, spoolAfterChars: 0 });
    assert.deepEqual(textsOf(building), expected);
    const spools = readdirSync(cacheDir).filter((n) => n.startsWith('spool-'));
    assert.equal(spools.length, 1, `one spool, the crashed one removed: ${spools.join(', ')}`);
    assert.match(spools[0]!, new RegExp(`^spool-${process.pid}-\\d+\\.tmp$`));
    await building.dispose();
    assert.deepEqual(readdirSync(cacheDir).filter((n) => n.startsWith('spool-')), []);
    const cacheFile = () => join(cacheDir, readdirSync(cacheDir).find((n) => n.startsWith('index-'))!);

    // Read back from the cache: nothing in the workspace is opened for them.
    const { opened, restore } = recordOpens();
    try {
      const reopened = await open(dir, { cacheDir });
      assert.deepEqual(textsOf(reopened), expected);
      assert.deepEqual(opened.filter((p) => p.startsWith(dir)), [], 'texts were read from the cache');
      await reopened.dispose();
    } finally {
      restore();
    }

    // The cache cleared under a live index: each text is read from its file (and checked by hash).
    const cleared = await open(dir, { cacheDir });
    await clearIndexCache(cacheDir);
    assert.deepEqual(textsOf(cleared), expected);
    await cleared.dispose();

    // Damaged in place (same file, same size): the checksum refuses the bytes.
    await (await open(dir, { cacheDir })).dispose();
    const damaged = await open(dir, { cacheDir });
    const file = cacheFile();
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from('RetryPolicy {'));
    assert.ok(at > 0, 'the text is stored as UTF-8');
    bytes.write('XXXXXXXXXXX', at, 'utf8');
    writeFileSync(file, bytes);
    assert.deepEqual(textsOf(damaged), expected);
    await damaged.dispose();
  });

  test('a damaged cache file is ignored and rebuilt', async () => {
    const dir = workspace(REPO);
    const cacheDir = tempDir();
    await (await open(dir, { cacheDir })).dispose();
    for (const n of readdirSync(cacheDir)) writeFileSync(join(cacheDir, n), 'garbage');
    const index = await open(dir, { cacheDir });
    assert.equal(index.stats.files, 5);
    await index.dispose();
  });
});

describe('progress, cancellation, workers, roots', () => {
  test('progress reports files done out of total; abort rejects with index-cancelled', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`f${i}.py`] = `def function_${i}():\n    return ${i}\n`;
    const dir = workspace(files);
    const seen: { done: number; total: number; phase: string }[] = [];
    const ok = await open(dir, { onProgress: (p) => seen.push({ ...p }) });
    await ok.dispose();
    const last = seen.filter((p) => p.phase === 'chunk').pop()!;
    assert.deepEqual(last, { done: 200, total: 200, phase: 'chunk' });

    const controller = new AbortController();
    await assert.rejects(
      open(dir, { signal: controller.signal, onProgress: (p) => p.phase === 'chunk' && controller.abort() }),
      (e) => e instanceof MinionsError && e.code === 'index-cancelled' && !!e.hint,
    );
    const already = new AbortController();
    already.abort();
    await assert.rejects(open(dir, { signal: already.signal }), (e) => e instanceof MinionsError && e.code === 'index-cancelled');
  });

  test('parse workers give the same chunks as inline parsing', async () => {
    const dir = workspace(REPO);
    // A budget no machine reaches: this compares the two paths, not how fast a busy CPU parses.
    const inline = await open(dir, { chunkTokens: 40, parseBudgetMs: 120_000 });
    const pooled = await openIndex({ roots: [dir], workers: 2, chunkTokens: 40, parseBudgetMs: 120_000 });
    try {
      for (const f of inline.files()) assert.deepEqual(pooled.chunksOf(f.path), inline.chunksOf(f.path));
      // Identifiers found by the workers index exactly like those found inline.
      for (const q of ['retry policy attempt', 'parse config file', 'theme colors'])
        assert.deepEqual(pooled.search(q).map((h) => [h.chunk.id, h.score]), inline.search(q).map((h) => [h.chunk.id, h.score]));
    } finally {
      await inline.dispose();
      await pooled.dispose();
    }
  });

  test('texts held as the file bytes (parse workers) read and cache the same as decoded texts', async () => {
    // Plain UTF-8 (held as its bytes), and the three kinds whose decoded text is not their bytes:
    // CRLF (normalised), a UTF-8 byte-order mark (dropped), invalid UTF-8 (replaced).
    const files: Record<string, string | Uint8Array> = {
      'src/plain.ts': 'export function grüße(name: string) {\n  return `héllo ${name}`;\n}\n',
      'src/crlf.ts': 'export const crlfValue = 1;\r\nexport const other = 2;\r\n',
      'src/bom.ts': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('export const bomValue = 3;\n')]),
      'src/broken.ts': Buffer.concat([Buffer.from('export const brokenValue = "'), Buffer.from([0xc3, 0x28]), Buffer.from('";\n')]),
    };
    const dir = workspace({});
    writeFiles(dir, files);
    const cacheDir = tempDir();
    const inline = await open(dir);
    const pooled = await openIndex({ roots: [dir], workers: 2, cacheDir, parseBudgetMs: 120_000 });
    const texts = (idx: WorkspaceIndex) => Object.fromEntries(idx.files().map((f) => [f.path, idx.chunksOf(f.path).map((c) => c.text)]));
    const expected = texts(inline);
    await inline.dispose();
    try {
      assert.equal(Object.keys(expected).length, 4);
      assert.ok(expected['src/plain.ts']!.join('\n').includes('héllo'));
      assert.ok(!expected['src/crlf.ts']!.join('\n').includes('\r'));
      assert.deepEqual(texts(pooled), expected);
    } finally {
      await pooled.dispose();
    }
    // Read back from the cache: every text's checksum holds (a wrong one would send the read
    // back to the workspace file), and the texts are the same.
    const { opened, restore } = recordOpens();
    try {
      const reopened = await open(dir, { cacheDir });
      try {
        assert.deepEqual(texts(reopened), expected);
      } finally {
        await reopened.dispose();
      }
      assert.deepEqual(opened.filter((p) => p.startsWith(dir)), [], 'nothing in the workspace was opened');
    } finally {
      restore();
    }
  });

  test('a file nested 40,000 deep (generated code) is indexed, and so is everything else', async () => {
    // One left-nested union: the syntax walk once recursed along it until the stack ran out,
    // and the whole build failed on that one file.
    const deep = `type Big =\n${Array.from({ length: 40_000 }, (_, i) => `  | "v${i}"`).join('\n')};\nexport function afterTheUnion() {\n  return 1;\n}\n`;
    const dir = workspace({ 'src/generated.ts': deep, 'src/http/client.ts': REPO['src/http/client.ts'] });
    for (const workers of [0, 2]) {
      const idx = await openIndex({ roots: [dir], workers, parseBudgetMs: 120_000 });
      try {
        assert.deepEqual(idx.files().map((f) => f.path).sort(), ['src/generated.ts', 'src/http/client.ts']);
        const chunks = idx.chunksOf('src/generated.ts');
        assert.equal(chunks[chunks.length - 1]!.endLine, 40_004, `workers ${workers}: every line is in a chunk`);
        const fn = idx.search('afterTheUnion')[0]?.chunk;
        assert.ok(fn && fn.path === 'src/generated.ts' && fn.startLine <= 40_001 && fn.endLine >= 40_001, `workers ${workers}: the function after the union is found`);
        assert.equal(idx.search('send request')[0]?.chunk.path, 'src/http/client.ts');
      } finally {
        await idx.dispose();
      }
    }
  });

  test('parse processes (the extension host\'s way) give the same chunks and hits as threads, and end with the index', async () => {
    const dir = workspace(REPO);
    const threads = await openIndex({ roots: [dir], workers: 2, chunkTokens: 40, parseBudgetMs: 120_000 });
    const processes = await openIndex({ roots: [dir], workers: 2, chunkTokens: 40, parseBudgetMs: 120_000, parseIn: 'processes' });
    try {
      for (const f of threads.files()) assert.deepEqual(processes.chunksOf(f.path), threads.chunksOf(f.path));
      for (const q of ['retry policy attempt', 'parse config file'])
        assert.deepEqual(processes.search(q).map((h) => [h.chunk.id, h.score]), threads.search(q).map((h) => [h.chunk.id, h.score]));
    } finally {
      await threads.dispose();
      await processes.dispose();
    }
  });

  test('parse processes run in processes, stop on close, and give way to threads when they cannot start', async () => {
    const { startIndexProcess } = await import('../../../src/core/index/worker-start');
    const reqs = Object.entries(REPO).map(([path, text]) => ({ text, language: path.endsWith('.py') ? 'python' : 'typescript', grammar: path.endsWith('.py') ? 'python' : 'typescript', chunkTokens: 40, parseBudgetMs: 120_000 }));
    const inline = createChunkRunner(0);
    const direct = await Promise.all(reqs.map((r) => inline.chunk(r)));
    // Real parse processes: they answer, and closing the pool ends them.
    const started: import('node:child_process').ChildProcess[] = [];
    const pool = createChunkRunner(2, { place: 'processes', startProcess: () => { const c = startIndexProcess('parse-process'); started.push(c); return c; } });
    assert.deepEqual((await Promise.all(reqs.map((r) => pool.chunk(r)))).map((r) => specList(r.chunks)), direct.map((r) => specList(r.chunks)));
    assert.equal(pool.runsIn, 'processes');
    assert.equal(started.length, 2);
    await pool.close();
    assert.ok(started.every((c) => c.exitCode !== null || c.signalCode !== null), 'every parse process has ended');
    // A runtime that cannot run our parse process (it exits at once): threads take over, nothing is lost.
    await threadsTakeOver('process.exit(3);\n', reqs, direct);
  });

  test('a build stops its parse processes once every file is parsed: all but one kept warm for edits, or all for a one-shot caller', async () => {
    // This process's children running the parse process (Linux: /proc).
    const parseChildren = (): number[] =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
          try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('parse-process');
          } catch {
            return false; // gone meanwhile
          }
        })
        .map(Number)
        .sort();
    const until = async (what: string, done: () => boolean) => {
      for (const deadline = Date.now() + 30_000; !done(); await new Promise((r) => setTimeout(r, 20)))
        assert.ok(Date.now() < deadline, `still waiting for: ${what}`);
    };
    assert.deepEqual(parseChildren(), [], 'no parse process before the build');
    const dir = workspace(REPO);
    const index = await openIndex({ roots: [dir], workers: 2, chunkTokens: 40, parseBudgetMs: 120_000, parseIn: 'processes' });
    try {
      assert.ok(index.search('retry policy attempt').length > 0);
      await until('one parse process left after the build', () => parseChildren().length === 1);
      const warm = parseChildren();
      writeFileSync(join(dir, 'src/http/timeout.ts'), 'export function withDeadline(ms: number): AbortSignal {\n  return AbortSignal.timeout(ms);\n}\n');
      await index.update(['src/http/timeout.ts']);
      const hit = index.search('withDeadline')[0]?.chunk;
      assert.equal(hit?.path, 'src/http/timeout.ts');
      assert.equal(hit?.symbol, 'withDeadline', 'the edit was parsed, not only line-chunked');
      assert.deepEqual(parseChildren(), warm, 'the kept process parsed the edit; none was started for it');
    } finally {
      await index.dispose();
    }
    await until('the parse processes to end with the index', () => parseChildren().length === 0);
    // A one-shot caller (a CLI command) keeps none.
    const once = await openIndex({ roots: [workspace(REPO)], workers: 2, chunkTokens: 40, parseBudgetMs: 120_000, parseIn: 'processes', oneShot: true });
    try {
      await until('every parse process to end after a one-shot build', () => parseChildren().length === 0);
      assert.ok(once.search('retry policy attempt').length > 0);
    } finally {
      await once.dispose();
    }
  });

  test('a released pool answers from the worker it kept, and grows back when every live worker is busy', async () => {
    const runner = createChunkRunner(2);
    const inline = createChunkRunner(0);
    try {
      const reqs = Object.entries(REPO).flatMap(([path, text]) =>
        Array.from({ length: 30 }, (_, i) => ({ text: `${text}\n// copy ${i}\n`, language: path.endsWith('.py') ? 'python' : path.endsWith('.md') ? 'markdown' : 'typescript', grammar: path.endsWith('.py') ? 'python' : path.endsWith('.md') ? undefined : 'typescript', chunkTokens: 40, parseBudgetMs: 120_000 })),
      );
      const direct = await Promise.all(reqs.map((r) => inline.chunk(r)));
      assert.deepEqual((await Promise.all(reqs.map((r) => runner.chunk(r)))).map((r) => specList(r.chunks)), direct.map((r) => specList(r.chunks)));
      assert.equal(runner.running, 2);
      await runner.release(1);
      assert.equal(runner.running, 1);
      assert.deepEqual(specList((await runner.chunk(reqs[0]!)).chunks), specList(direct[0]!.chunks));
      assert.equal(runner.running, 1, 'one file at a time: the kept worker is enough');
      assert.deepEqual((await Promise.all(reqs.map((r) => runner.chunk(r)))).map((r) => specList(r.chunks)), direct.map((r) => specList(r.chunks)));
      assert.equal(runner.running, 2, 'a burst grew the pool back');
      await runner.release(0);
      assert.equal(runner.running, 0);
      assert.deepEqual(specList((await runner.chunk(reqs[1]!)).chunks), specList(direct[1]!.chunks), 'and after a full release, requests start it again');
    } finally {
      await runner.close();
      await inline.close();
    }
  });

  test('a parse process that drops its channel and dies a little later still hands its files to threads', async () => {
    const reqs = Object.entries(REPO).map(([path, text]) => ({ text, language: path.endsWith('.py') ? 'python' : 'typescript', grammar: path.endsWith('.py') ? 'python' : 'typescript', chunkTokens: 40, parseBudgetMs: 120_000 }));
    const direct = await Promise.all(reqs.map((r) => createChunkRunner(0).chunk(r)));
    // Its channel closes before its exit is known: the pool must keep this process alive until
    // the exit comes, or the event loop ends with the files still waiting.
    await threadsTakeOver("process.on('message', () => {});\nprocess.once('message', () => setTimeout(() => { process.disconnect(); setTimeout(() => process.exit(3), 300); }, 20));\n", reqs, direct);
  });

  test('a worker past its memory bound is replaced between batches, and nothing is lost', async () => {
    // A bound every batch crosses: each worker is swapped after each batch it returns.
    const runner = createChunkRunner(2, { recycleExternalBytes: 1 });
    const inline = createChunkRunner(0);
    try {
      const reqs = Object.entries(REPO).flatMap(([path, text]) =>
        Array.from({ length: 40 }, (_, i) => ({ text: `${text}\n// copy ${i}\n`, language: path.endsWith('.py') ? 'python' : path.endsWith('.md') ? 'markdown' : 'typescript', grammar: path.endsWith('.py') ? 'python' : path.endsWith('.md') ? undefined : 'typescript', chunkTokens: 40, parseBudgetMs: 120_000 })),
      );
      const [pooled, direct] = await Promise.all([Promise.all(reqs.map((r) => runner.chunk(r))), Promise.all(reqs.map((r) => inline.chunk(r)))]);
      assert.deepEqual(pooled.map((r) => specList(r.chunks)), direct.map((r) => specList(r.chunks)));
      assert.ok((runner.recycled ?? 0) >= 2, `workers replaced: ${runner.recycled}`);
      // And after the swaps, the pool still answers.
      assert.deepEqual(specList((await runner.chunk(reqs[0]!)).chunks), specList(direct[0]!.chunks));
    } finally {
      await runner.close();
      await inline.close();
    }
  });

  test('several roots: paths start with the root folder name', async () => {
    const a = workspace({ 'x.ts': 'export const alpha = 1;\n' });
    const b = workspace({ 'y.ts': 'export const beta = 2;\n' });
    const index = await openIndex({ roots: [a, b], workers: 0 });
    try {
      const nameA = a.split('/').pop()!;
      const nameB = b.split('/').pop()!;
      assert.deepEqual(index.files().map((f) => f.path).sort(), [`${nameA}/x.ts`, `${nameB}/y.ts`].sort());
      assert.equal(index.search('beta')[0]!.chunk.path, `${nameB}/y.ts`);
      writeFileSync(join(b, 'z.ts'), 'export const gamma = 3;\n');
      await index.update([`${nameB}/z.ts`]);
      assert.equal(index.search('gamma')[0]!.chunk.path, `${nameB}/z.ts`);
    } finally {
      await index.dispose();
    }
  });
});
