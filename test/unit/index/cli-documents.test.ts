// `minions search` and `minions index` over documents: PDF results carry page and page count,
// notebook results their cell, --text adds the chunk text, and the index lists the documents it
// left out with reason and hint.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { imageOnlyPdf, notebookJson, textPdf } from '../../support/make-docs';
import { makeWorkspace, removeWorkspace } from './workspace';

const ROOT = join(__dirname, '../../..');
let ws = '';
after(() => removeWorkspace(ws));

function minions(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('minions search / index over PDFs and notebooks', () => {
  before(async () => {
    ws = makeWorkspace({
      'report.pdf': await textPdf([['Contents', 'Introduction'], ['Results', 'Net income reached 913 million dollars in 2024.']]),
      'scan.pdf': await imageOnlyPdf(),
      'nb.ipynb': notebookJson(),
    });
  });

  test('search --json --text: the page (and count) or cell, and the chunk text', () => {
    const r = minions(['search', '-w', ws, '--no-cache', '--json', '--text', '--top', '1', 'net income 2024']);
    assert.equal(r.code, 0, r.stderr);
    const [hit] = JSON.parse(r.stdout).results;
    assert.equal(hit.path, 'report.pdf');
    assert.equal(hit.page, 2);
    assert.equal(hit.pages, 2);
    assert.match(hit.text, /Net income reached 913 million dollars in 2024\./);
    const nb = JSON.parse(minions(['search', '-w', ws, '--no-cache', '--json', '--top', '1', 'churn_rate mean']).stdout).results[0];
    assert.equal(nb.path, 'nb.ipynb');
    assert.equal(nb.cell, 2);
    assert.equal(nb.text, undefined, 'no text without --text');
    const plain = minions(['search', '-w', ws, '--no-cache', '--text', '--top', '1', 'net income 2024']).stdout;
    assert.match(plain, /report\.pdf:\d+-\d+ p\.2\n(    \| .*\n)+/);
  });

  test('index --json lists the documents left out, with reason and hint', () => {
    const r = minions(['index', '-w', ws, '--no-cache', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files, 2);
    assert.deepEqual(out.documents.map((d: { path: string; reason: string; partial: boolean }) => [d.path, d.reason, d.partial]), [['scan.pdf', 'image-only PDF: no text layer', false]]);
    assert.match(out.documents[0].hint, /OCR/);
  });
});
