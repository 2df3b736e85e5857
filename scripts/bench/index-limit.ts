// Child process of bench:index: the limit an index build is compared against, on the same files.
//   I/O floor: walk (same rules as the index) and read every byte.
//   Parse: a bare tree-sitter parse (no chunking, no indexing) of the same code files, spread
//   over one worker thread per core.
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { rootsFor, walkRoots } from '../../src/core/index/walk';
import { languageOf } from '../../src/core/index/languages';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/core/index/index';
import { looksBinary, SNIFF_BYTES } from '../../src/core/index/binary';
import { decodeText, isMinified } from '../../src/core/index/text';

const dir = process.argv[2]!;

async function main(): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const files = await walkRoots(rootsFor([dir]), { maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  const texts: { grammar: string; text: string }[] = [];
  let bytes = 0;
  for (const f of files) {
    const buf = readFileSync(f.abs);
    bytes += buf.length;
    const g = languageOf(f.path).grammar;
    // The same files the index parses: not binary, not minified.
    if (!g || looksBinary(buf.subarray(0, SNIFF_BYTES))) continue;
    const text = decodeText(buf);
    if (!isMinified(text)) texts.push({ grammar: g, text });
  }
  const ioMs = performance.now() - t0;
  const ioCpu = process.cpuUsage(c0);

  const cores = availableParallelism();
  // Deal files round-robin by size so both workers get a similar load.
  texts.sort((a, b) => b.text.length - a.text.length);
  const shares: (typeof texts)[] = Array.from({ length: cores }, () => []);
  texts.forEach((t, i) => shares[i % cores]!.push(t));
  // Bundled (bench:index runs it so): the worker is a .js next to this file; under tsx, load the .ts.
  const bundled = join(__dirname, 'index-limit-worker.js');
  const source = () => `require(${JSON.stringify(require.resolve(['tsx', 'cjs'].join('/')))}); require(${JSON.stringify(join(__dirname, 'index-limit-worker.ts'))});`;
  const start = () => (existsSync(bundled) ? new Worker(bundled) : new Worker(source(), { eval: true }));
  // Workers start and load their grammars before the clock starts: the limit is parse time.
  const workers = shares.map(start);
  const grammars = [...new Set(texts.map((t) => t.grammar))];
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('message', resolve); w.postMessage({ load: grammars }); })));
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  const parsed = await Promise.all(workers.map((w, i) => new Promise<number>((resolve) => { w.once('message', (m: { bytes: number }) => resolve(m.bytes)); w.postMessage({ files: shares[i] }); })));
  const parseMs = performance.now() - t1;
  const parseCpu = process.cpuUsage(c1);
  await Promise.all(workers.map((w) => w.terminate()));
  console.log(JSON.stringify({ cpuMs: (ioCpu.user + ioCpu.system + parseCpu.user + parseCpu.system) / 1000, files: files.length, bytes, codeFiles: texts.length, codeBytes: parsed.reduce((a, b) => a + b, 0), ioMs, parseMs, cores }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
