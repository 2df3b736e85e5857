// Child process of bench:index: the limit an index build is compared against, on the same files.
//   I/O floor: a raw recursive readdir of the tree (no ignore rules, no project code) and a plain
//   readFileSync of every file the index reads. The file list is taken from the index's walk
//   beforehand, untimed, so the floor reads exactly the bytes the index reads.
//   Parse: a bare tree-sitter parse (no chunking, no indexing) of the same code files, measured
//   single-threaded in this (main) thread, best of two passes: that rate over all cores is the
//   parse limit. Then the same parse on one worker thread per core: what workers achieve.
//   With --baseline-tier: only the first pass on the main thread, in this fresh process, with the
//   wasm tiers a process of our own picks (wasm-tiering.ts: runtime optimisable, grammars
//   baseline), so the fresh-process limit is the faster of the two ways, not ours alone.
import { Worker } from 'node:worker_threads';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Language } from 'web-tree-sitter';
import { rootsFor, walkRoots } from '../../src/core/index/walk';
import { languageOf } from '../../src/core/index/languages';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/core/index/index';
import { looksBinary, SNIFF_BYTES } from '../../src/core/index/binary';
import { decodeText, isMinified } from '../../src/core/index/text';
import { loadLanguage } from '../../src/core/index/grammars';
import { chooseBaselineWasm } from '../../src/core/index/wasm-tiering';
import { bareParse } from './bare-parse';

const dir = process.argv[2]!;
const baselineTier = process.argv.includes('--baseline-tier');

function rawReaddir(root: string): number {
  let dirs = 0;
  const stack = [root];
  while (stack.length) {
    const d = stack.pop()!;
    dirs++;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory() && e.name !== '.git') stack.push(join(d, e.name));
  }
  return dirs;
}

function timedParse(texts: readonly { grammar: string; text: string }[], languages: Map<string, Language | undefined>): number {
  const t = performance.now();
  bareParse(texts, languages);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const files = await walkRoots(rootsFor([dir]), { maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  // I/O floor: best of two passes (the page cache is warm for the index too: it runs after this).
  let ioMs = Infinity;
  let bytes = 0;
  for (let pass = 0; pass < 2; pass++) {
    const t0 = performance.now();
    rawReaddir(dir);
    let b = 0;
    for (const f of files) b += readFileSync(f.abs).length;
    ioMs = Math.min(ioMs, performance.now() - t0);
    bytes = b;
  }
  // The code files the index parses: not binary, not minified (selected untimed).
  const texts: { grammar: string; text: string }[] = [];
  for (const f of files) {
    const g = languageOf(f.path).grammar;
    if (!g) continue;
    const buf = readFileSync(f.abs);
    if (looksBinary(buf.subarray(0, SNIFF_BYTES))) continue;
    const text = decodeText(buf);
    if (!isMinified(text)) texts.push({ grammar: g, text });
  }
  const codeBytes = texts.reduce((a, t) => a + t.text.length, 0);
  const grammars = [...new Set(texts.map((t) => t.grammar))];
  if (baselineTier) chooseBaselineWasm();
  const languages = new Map<string, Language | undefined>();
  for (const g of grammars) languages.set(g, await loadLanguage(g));
  if (baselineTier) {
    console.log(JSON.stringify({ codeBytes, baselineFirstMs: timedParse(texts, languages) }));
    return;
  }
  const mainFirstMs = timedParse(texts, languages);
  const mainMs = Math.min(mainFirstMs, timedParse(texts, languages));

  const cores = availableParallelism();
  // Deal files round-robin by size so each worker gets a similar load.
  const bySize = [...texts].sort((a, b) => b.text.length - a.text.length);
  const shares: (typeof texts)[] = Array.from({ length: cores }, () => []);
  bySize.forEach((t, i) => shares[i % cores]!.push(t));
  // Bundled (bench:index runs it so): the worker is a .js next to this file; under tsx, load the .ts.
  const bundled = join(__dirname, 'index-limit-worker.js');
  const source = () => `require(${JSON.stringify(require.resolve(['tsx', 'cjs'].join('/')))}); require(${JSON.stringify(join(__dirname, 'index-limit-worker.ts'))});`;
  const start = () => (existsSync(bundled) ? new Worker(bundled) : new Worker(source(), { eval: true }));
  // Workers start and load their grammars before the clock starts: this is parse time alone.
  const workers = shares.map(start);
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('message', resolve); w.postMessage({ load: grammars }); })));
  const runOnce = async () => {
    const t1 = performance.now();
    await Promise.all(workers.map((w, i) => new Promise<number>((resolve) => { w.once('message', (m: { bytes: number }) => resolve(m.bytes)); w.postMessage({ files: shares[i] }); })));
    return performance.now() - t1;
  };
  const workersFirstMs = await runOnce();
  const workersMs = Math.min(workersFirstMs, await runOnce());
  await Promise.all(workers.map((w) => w.terminate()));
  console.log(JSON.stringify({ files: files.length, bytes, codeFiles: texts.length, codeBytes, ioMs, mainFirstMs, mainMs, workersFirstMs, workersMs, cores }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
