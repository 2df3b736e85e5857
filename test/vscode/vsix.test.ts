// What the packaged extension (dist/minions.vsix) holds: everything package.json points at,
// and nothing that only builds or tests it (.vscodeignore is an allow-list; this keeps it honest).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeFound, type WalkJob, type WalkMessage } from '../../src/core/index/walk-wire';
import { ensurePackaged } from './harness/prepare';
import { REPO_ROOT, VSIX_PATH } from './harness/paths';

/** A size well above today's (~3 MB) that catches node_modules or sources slipping in. */
const SIZE_BUDGET_BYTES = 15 * 1024 * 1024;

/** Entry names of a zip file, read from its central directory. */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  // The end-of-central-directory record sits in the last 22 bytes + an optional comment.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, `${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Relative file paths package.json's contributes and icon refer to. */
function referencedFiles(manifest: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const fileKeys = new Set(['path', 'icon', 'markdown', 'image', 'light', 'dark', 'svg']);
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key && fileKeys.has(key) && /^[\w./-]+\.\w+$/.test(value)) found.add(value.replace(/^\.\//, ''));
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(manifest.contributes);
  visit(manifest.icon, 'icon');
  return [...found];
}

describe('packaged .vsix', () => {
  let entries: string[] = [];
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

  before(() => {
    ensurePackaged();
    entries = zipEntries(VSIX_PATH).filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length));
  });

  it('holds the bundles, the grammars and every file package.json refers to', () => {
    const main = String(manifest.main).replace(/^\.\//, '');
    const expected = ['package.json', main, 'dist/webview.js', 'dist/grammars/tree-sitter.wasm',
      // The parse worker extracts PDF text with pdf.js, loaded from these at run time; a reopen
      // of a large index walks on the walk worker; the extension host parses in parse processes.
      'dist/parse-worker.js', 'dist/walk-worker.js', 'dist/parse-process.js', 'dist/cli.js', 'dist/cli-models.js', 'dist/pdfjs/pdf.min.mjs', 'dist/pdfjs/pdf.worker.min.mjs', ...referencedFiles(manifest)];
    const missing = expected.filter((file) => !entries.includes(file));
    assert.deepEqual(missing, [], `missing from ${VSIX_PATH}; allow them in .vscodeignore`);
    assert.ok(entries.some((name) => /^dist\/grammars\/tree-sitter-\w+\.wasm$/.test(name)), 'no language grammar shipped');
  });

  it('ships a CLI whose index command starts without the model commands, which load from their own bundle', () => {
    const cli = join(REPO_ROOT, 'dist/cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
    for (const command of ['index', 'ask', 'mcp']) {
      const r = run(command, '--help');
      assert.equal(r.status, 0, `minions ${command} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: minions ${command}`));
    }
    // The tokenizer tables and model clients (~3.5 MB) are in cli-models.js, not in cli.js.
    assert.ok(statSync(cli).size < 1024 * 1024, `dist/cli.js is ${statSync(cli).size} bytes`);
    assert.ok(!readFileSync(cli, 'utf8').includes('o200k'), 'dist/cli.js bundles the tokenizer');
  });

  it('ships a walk worker that walks on its own (a reopen of a large index starts it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minions-walk-worker-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
      writeFileSync(join(dir, '.env'), 'TOKEN=x\n');
      writeFileSync(join(dir, '.gitignore'), 'skip.txt\n');
      writeFileSync(join(dir, 'skip.txt'), 'x\n');
      const roots = [{ abs: dir, prefix: '' }];
      const worker = new Worker(join(REPO_ROOT, 'dist/walk-worker.js'), { workerData: { roots, maxFileBytes: 1_000_000 } satisfies WalkJob });
      const rels: string[] = [];
      const skips: string[] = [];
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: WalkMessage) => {
          if (m.kind === 'found') {
            rels.push(...decodeFound(m, roots).map((f) => f.rel));
            for (const [path, reason] of m.skips) skips.push(`${path}:${reason}`);
          } else if (m.kind === 'done') resolve();
          else reject(new Error(m.message));
        });
        worker.on('error', reject);
      });
      await worker.terminate();
      assert.deepEqual(rels.sort(), ['.gitignore', 'src/a.ts']);
      assert.deepEqual(skips.sort(), ['.env:secret', 'skip.txt:ignored']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships a parse process that chunks a batch by syntax on its own', async () => {
    const { fork } = await import('node:child_process');
    const { encodeRequests, decodeResults } = await import('../../src/core/index/parse-wire');
    const { specList } = await import('../../src/core/index/spec-columns');
    const child = fork(join(REPO_ROOT, 'dist/parse-process.js'), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      const text = 'export class Greeter {\n  greet() {\n    return 1;\n  }\n}\n';
      const reply = new Promise<Parameters<typeof decodeResults>[0]>((resolve, reject) => {
        child.once('message', (m) => resolve(m as Parameters<typeof decodeResults>[0]));
        child.once('exit', (code) => reject(new Error(`parse process exited with code ${code}`)));
      });
      child.send(encodeRequests(1, [{ text, language: 'typescript', grammar: 'typescript', chunkTokens: 400, parseBudgetMs: 60_000 }]));
      const [result] = decodeResults(await reply, 1);
      assert.ok(result && !(result instanceof Error), String(result));
      assert.equal(result.method, 'syntax');
      assert.deepEqual(specList(result.chunks).map((c) => c.names), [['Greeter', 'Greeter.greet']]);
    } finally {
      child.kill();
    }
  });

  it('leaves out sources, tests, tools, dependencies and source maps', () => {
    const unwanted = entries.filter((name) => /^(src|test|scripts|node_modules|out|\.tools|\.ci|test-artifacts)\//.test(name)
      || /\.(map|ts|vsix)$/.test(name) || /(^|\/)\.(git|env)/.test(name));
    assert.deepEqual(unwanted, [], 'these should not ship; tighten .vscodeignore');
  });

  it(`stays under ${SIZE_BUDGET_BYTES / 1024 / 1024} MiB`, () => {
    const size = statSync(VSIX_PATH).size;
    console.log(`dist/minions.vsix: ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MiB), ${entries.length} files`);
    assert.ok(size < SIZE_BUDGET_BYTES, `${size} bytes`);
  });
});
