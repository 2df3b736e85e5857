import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace, removeWorkspace } from './workspace';

const ROOT = join(__dirname, '../../..');
const made: string[] = [];
after(() => made.forEach(removeWorkspace));

function minions(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('minions index / minions search', () => {
  const ws = makeWorkspace({
    'lib/retry.py': 'class RetryPolicy:\n    def next_delay(self, attempt):\n        return 2 ** attempt\n',
    'lib/colors.py': 'PRIMARY = "#336699"\n\ndef darken(color):\n    return color\n',
    '.env': 'TOKEN=never-indexed\n',
  });
  const cache = mkdtempSync(join(tmpdir(), 'minions-cli-cache-'));
  made.push(ws, cache);

  test('index --json prints files, chunks, bytes, skipped, ms, documents', () => {
    const r = minions(['index', '--workspace', ws, '--cache', cache, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['files', 'chunks', 'bytes', 'skipped', 'ms', 'documents']);
    assert.deepEqual(out.documents, []);
    assert.equal(out.files, 2);
    assert.equal(out.skipped, 1);
    assert.ok(out.chunks >= 2 && out.bytes > 0 && out.ms >= 0);
  });

  test('search --json ranks workspace-relative results, best first', () => {
    const r = minions(['search', '--workspace', ws, '--cache', cache, '--json', '--top', '1', 'how is the retry delay computed']);
    assert.equal(r.code, 0, r.stderr);
    const { results } = JSON.parse(r.stdout);
    assert.equal(results.length, 1);
    assert.deepEqual(Object.keys(results[0]).sort(), ['endLine', 'path', 'score', 'startLine', 'symbol']);
    assert.equal(results[0].path, 'lib/retry.py');
    assert.equal(results[0].startLine, 1);
    assert.equal(results[0].symbol, 'RetryPolicy');
    const files = JSON.parse(minions(['search', '-w', ws, '--cache', cache, '--json', '--files', 'darken color']).stdout).results;
    assert.equal(files[0].path, 'lib/colors.py');
    assert.equal(new Set(files.map((f: { path: string }) => f.path)).size, files.length, 'one result per file');
  });

  test('errors say what happened and what to do, with a non-zero exit', () => {
    const missing = minions(['index', '--workspace', join(ws, 'nope'), '--json']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /^minions: The folder .*nope does not exist or is not a directory\. Pass an existing folder/);
    const badFlag = minions(['search', '--workspace', ws, '--bogus', 'q']);
    assert.notEqual(badFlag.code, 0);
    assert.match(badFlag.stderr, /^minions: .*bogus.*Run 'minions search --help'/s);
    const noQuery = minions(['search', '--workspace', ws, '--cache', cache]);
    assert.notEqual(noQuery.code, 0);
    assert.match(noQuery.stderr, /^minions: No query given\. Pass the query/);
    const badTop = minions(['search', '--workspace', ws, '--top', 'many', 'q']);
    assert.match(badTop.stderr, /^minions: --top must be a positive whole number/);
  });
});
