// npm run bench:index, documents part — PDF text extraction speed and its share of a cold index.
//   Corpus (generated here, so every run reads the same): PDFs of report-like pages (40 lines of
//   prose and a table each) written by pdf-lib, Jupyter notebooks, and this repository's own
//   src/ and test/ as the code beside them.
//   Figures (measured in a bundled child process, as the product runs): extraction alone (pages/s
//   on one thread, after the first PDF, which loads pdf.js), then cold indexes of
//   the code alone and code + documents, inline (one thread) and with the default parse workers:
//   the documents' share is the time they add to the cold index.
//   Options: --pdfs N (default 12), --pages N per PDF (default 40).
import { copyFileSync, cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { GRAMMAR_NAMES } from '../../src/core/index/languages';
import { notebookJson, textPdf } from '../../test/support/make-docs';

const ROOT = join(__dirname, '../..');
const args = process.argv.slice(2);
const num = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const PDFS = num('--pdfs', 12);
const PAGES = num('--pages', 40);
const f1 = (n: number) => n.toFixed(1);

const WORDS = 'revenue margin quarter growth widget plant supply demand forecast capital expense segment region customer contract'.split(' ');
function pageLines(doc: number, page: number): string[] {
  const lines = [`Report ${doc} - Section ${page}`];
  for (let i = 0; i < 32; i++) lines.push(Array.from({ length: 11 }, (_, w) => WORDS[(doc * 7 + page * 3 + i * 5 + w) % WORDS.length]).join(' ') + '.');
  lines.push('Quarter      Revenue      Margin');
  for (let q = 1; q <= 4; q++) lines.push(`Q${q}      ${1000 + doc * 10 + page + q}      ${10 + q}%`);
  return lines;
}

interface Cold {
  ms: number;
  files: number;
  chunks: number;
}
interface Figures {
  firstMs: number;
  extractMs: number;
  codeInline: Cold;
  mixedInline: Cold;
  codeWorkers: Cold;
  mixedWorkers: Cold;
}

/** Runs index-docs-run.ts bundled, as the product ships (pdf.js and grammars beside the bundle). */
function measure(argv: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'minions-bench-docs-bundle-'));
  try {
    const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
    const common = ['--bundle', '--platform=node', '--target=node20', '--format=cjs', '--log-level=error', '--external:vscode'];
    for (const [entry, out] of [['scripts/bench/index-docs-run.ts', 'run.js'], ['src/core/index/parse-worker.ts', 'parse-worker.js'], ['src/core/index/walk-worker.ts', 'walk-worker.js']] as const)
      execFileSync(esbuild, [join(ROOT, entry), ...common, `--outfile=${join(dir, out)}`], { cwd: ROOT });
    mkdirSync(join(dir, 'grammars'));
    copyFileSync(join(ROOT, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(dir, 'grammars/tree-sitter.wasm'));
    for (const g of GRAMMAR_NAMES) copyFileSync(join(ROOT, `node_modules/tree-sitter-wasms/out/tree-sitter-${g}.wasm`), join(dir, `grammars/tree-sitter-${g}.wasm`));
    mkdirSync(join(dir, 'pdfjs'));
    for (const n of ['pdf.min.mjs', 'pdf.worker.min.mjs']) copyFileSync(join(ROOT, 'node_modules/pdfjs-dist/legacy/build', n), join(dir, 'pdfjs', n));
    const r = spawnSync(process.execPath, [join(dir, 'run.js'), ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`the measured run failed:\n${r.stderr}`);
    return r.stdout.trim().split('\n').pop()!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`bench:index documents  node ${process.version}  ${cpus().length} cores  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const work = mkdtempSync(join(tmpdir(), 'minions-bench-docs-'));
  try {
    const code = join(work, 'code');
    const mixed = join(work, 'mixed');
    for (const dir of [code, mixed]) {
      cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
      cpSync(join(ROOT, 'test/unit'), join(dir, 'test/unit'), { recursive: true });
    }
    mkdirSync(join(mixed, 'docs'));
    const pdfs: Uint8Array[] = [];
    for (let d = 0; d < PDFS; d++) {
      const bytes = await textPdf(Array.from({ length: PAGES }, (_, p) => pageLines(d, p + 1)));
      pdfs.push(bytes);
      writeFileSync(join(mixed, 'docs', `report-${d}.pdf`), bytes);
      writeFileSync(join(mixed, 'docs', `analysis-${d}.ipynb`), notebookJson());
    }
    const totalPages = PDFS * PAGES;
    console.log(`corpus: ${PDFS} PDFs x ${PAGES} pages = ${totalPages} pages (${f1(pdfs.reduce((n, b) => n + b.length, 0) / 1e6)} MB), ${PDFS} notebooks, beside this repository's src/ and test/unit/`);

    const pdfDir = join(mixed, 'docs');
    const r = JSON.parse(measure([code, mixed, pdfDir, String(totalPages)])) as Figures;
    const perS = (pages: number, ms: number) => Math.round(pages / (ms / 1000));
    console.log(`first PDF:    ${f1(r.firstMs / 1000)} s (pdf.js loaded with it, once per thread)`);
    console.log(`extraction:   ${perS(totalPages, r.extractMs)} pages/s on one thread (${f1(r.extractMs / 1000)} s for ${totalPages} pages)`);
    for (const [label, c, m] of [['inline (one thread)', r.codeInline, r.mixedInline], ['parse workers', r.codeWorkers, r.mixedWorkers]] as const) {
      // Files overlap (several in flight), so the documents' share is the time they add.
      const added = m.ms - c.ms;
      console.log(`cold index, ${label}: code ${f1(c.ms / 1000)} s (${c.files} files); code + documents ${f1(m.ms / 1000)} s (${m.files} files, ${m.chunks} chunks): documents ${f1((100 * added) / m.ms)}% of it (${perS(totalPages, added)} pages/s in the index)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
