// npm run bench:index — indexing speed against its limit, on real code written by others.
//   Corpora: a ~10k-file repository (hard-linked copy of the first node_modules packages, by
//   name, until 10k files) and the project's whole node_modules.
//   For each: cold index (files/s, MB/s, chunks, peak RSS), the limit measured in the same run
//   (I/O floor + bare tree-sitter parse over all cores) and index/limit; for the 10k repository
//   also a warm reopen and a one-file update. Each scenario runs in its own process so peak RSS
//   and caches are its own.
//   Options: --corpus DIR (use only this folder), --workers N.
import { spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { GRAMMAR_NAMES } from '../../src/core/index/languages';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const workers = flag('--workers');

/**
 * The scenarios run as the product ships: bundled with esbuild, the parse worker and grammars
 * next to the bundle (as dist/ has them), so no TypeScript is compiled on the fly in the
 * measured process or its workers.
 */
let bundleDir: string | undefined;
function bundle(): string {
  if (bundleDir) return bundleDir;
  const dir = mkdtempSync(join(tmpdir(), 'minions-bench-bundle-'));
  const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
  const common = ['--bundle', '--platform=node', '--target=node20', '--format=cjs', '--log-level=error', '--external:vscode'];
  for (const [entry, out] of [
    ['scripts/bench/index-run.ts', 'index-run.js'],
    ['scripts/bench/index-limit.ts', 'index-limit.js'],
    ['scripts/bench/index-limit-worker.ts', 'index-limit-worker.js'],
    ['src/core/index/parse-worker.ts', 'parse-worker.js'],
  ] as const) execFileSync(esbuild, [join(ROOT, entry), ...common, `--outfile=${join(dir, out)}`], { cwd: ROOT });
  mkdirSync(join(dir, 'grammars'));
  copyFileSync(join(ROOT, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(dir, 'grammars/tree-sitter.wasm'));
  for (const g of GRAMMAR_NAMES) copyFileSync(join(ROOT, `node_modules/tree-sitter-wasms/out/tree-sitter-${g}.wasm`), join(dir, `grammars/tree-sitter-${g}.wasm`));
  return (bundleDir = dir);
}

function child<T>(script: string, argv: string[]): T {
  const r = spawnSync(process.execPath, [join(bundle(), script.replace(/\.ts$/, '.js')), ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script} ${argv.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

function countFiles(dir: string): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) stack.push(join(d, e.name));
      else if (e.isFile()) n++;
    }
  }
  return n;
}

/** A ~10k-file repository: hard links (no copy of bytes) to whole node_modules packages. */
function makeTenK(nodeModules: string, into: string): void {
  let total = 0;
  for (const name of readdirSync(nodeModules).sort()) {
    if (name.startsWith('.')) continue;
    const src = join(nodeModules, name);
    if (!statSync(src).isDirectory()) continue;
    const n = countFiles(src);
    if (total > 0 && total + n > 11_000) continue;
    execFileSync('cp', ['-al', src, join(into, name)]);
    total += n;
    if (total >= 9_500) break;
  }
}

interface Cold { ms: number; saveMs: number; cpuMs: number; files: number; chunks: number; bytes: number; skipped: number; peakRssMB: number; tokenSample: number; tokenRatio: number; tokenMeanAbsErr: number }
interface Warm { ms: number; files: number; updateFile: string; updateBytes: number; updateMedianMs: number; updateMaxMs: number; peakRssMB: number }
interface Limit { cpuMs: number; files: number; bytes: number; codeFiles: number; codeBytes: number; ioMs: number; parseMs: number; cores: number }

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function benchCorpus(label: string, dir: string, withWarm: boolean): void {
  const cache = mkdtempSync(join(tmpdir(), 'minions-bench-cache-'));
  try {
    console.log(`\n== ${label}: ${dir}`);
    const limit = child<Limit>('index-limit.ts', [dir]);
    const cold = child<Cold>('index-run.ts', ['cold', dir, cache, ...(workers ? [workers] : [])]);
    const limitMs = limit.ioMs + limit.parseMs;
    const mb = cold.bytes / 1e6;
    console.log(`walked ${limit.files} files (${f1(limit.bytes / 1e6)} MB) after ignore rules and caps; ${limit.codeFiles} code files (${f1(limit.codeBytes / 1e6)} MB of text) parsed by tree-sitter`);
    console.log(`cold index:   ${f1(cold.ms / 1000)} s  ${Math.round(cold.files / (cold.ms / 1000))} files/s  ${f1(mb / (cold.ms / 1000))} MB/s  ${cold.files} files  ${cold.chunks} chunks  ${cold.skipped} skipped  peak RSS ${cold.peakRssMB} MB`);
    console.log(`cache write:  written in the background once the index is ready; dispose() then waited ${f2(cold.saveMs / 1000)} s for it`);
    console.log(`limit:        ${f1(limitMs / 1000)} s  = I/O floor ${f2(limit.ioMs / 1000)} s + bare parse on ${limit.cores} cores ${f2(limit.parseMs / 1000)} s (${f2(limit.codeBytes / 1e6 / (limit.parseMs / 1000) / limit.cores)} MB/s per core)`);
    console.log(`index/limit:  ${f2(cold.ms / limitMs)}x wall clock (target <= 1.5x);  CPU time (all threads): index ${f1(cold.cpuMs / 1000)} s vs limit ${f1(limit.cpuMs / 1000)} s = ${f2(cold.cpuMs / limit.cpuMs)}x`);
    console.log(`token estimate vs o200k on ${cold.tokenSample} chunks: total ratio ${f2(cold.tokenRatio)}, mean abs error ${f1(cold.tokenMeanAbsErr * 100)}%`);
    if (withWarm) {
      const warm = child<Warm>('index-run.ts', ['warm', dir, cache, ...(workers ? [workers] : [])]);
      console.log(`warm reopen:  ${Math.round(warm.ms)} ms for ${warm.files} files, nothing changed (target < 1000 ms); cold/warm ${f1(cold.ms / warm.ms)}x`);
      console.log(`1-file update: median ${f1(warm.updateMedianMs)} ms, max ${f1(warm.updateMaxMs)} ms of 7 (${warm.updateFile}, ${warm.updateBytes} bytes; target < 50 ms)`);
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

function main(): void {
  console.log(`bench:index  node ${process.version}  ${cpus().length} cores  load average ${loadavg().map(f2).join(' ')}  workers ${workers ?? 'default'}`);
  const corpus = flag('--corpus');
  if (corpus) {
    benchCorpus('corpus', corpus, true);
    return;
  }
  if (args.includes('--10k-only')) {
    const dir = mkdtempSync(join(tmpdir(), 'minions-bench-10k-'));
    try {
      makeTenK(join(ROOT, 'node_modules'), dir);
      benchCorpus('~10k-file repository (node_modules packages, hard-linked)', dir, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const nodeModules = join(ROOT, 'node_modules');
  if (!existsSync(nodeModules)) throw new Error('node_modules is missing: run npm ci first');
  const tenK = mkdtempSync(join(tmpdir(), 'minions-bench-10k-'));
  try {
    makeTenK(nodeModules, tenK);
    benchCorpus('~10k-file repository (node_modules packages, hard-linked)', tenK, true);
  } finally {
    rmSync(tenK, { recursive: true, force: true });
  }
  benchCorpus("the project's node_modules", nodeModules, false);
}

try {
  main();
} finally {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
}
