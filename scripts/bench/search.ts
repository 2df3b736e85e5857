// npm run bench:search — retrieval quality and query latency.
//   1. Retrieval on the SWE-bench Lite pytest dev set (../shared/data/swebench-lite-pytest.jsonl):
//      pytest checked out at each base_commit from the mirror the `fetch` tool leaves in
//      /work/.mirror/pytest-dev+pytest/repo (override: MINIONS_PYTEST_MIRROR), indexed, searched
//      with the issue text; file-level recall@1/@5 of `searchFiles`, next to a whole-file BM25
//      baseline over the same files computed in the same run.
//   2. Latency: p50/p95 of search() and searchFiles() over an index of >= 100k chunks (the
//      project's node_modules, small chunks), next to a linear-scan baseline on the same chunks.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIndex } from '../../src/core/index/index';
import { parseQuery } from '../../src/core/index/query';
import { compoundWords, scanIdentifiers, termSet } from '../../src/core/index/terms';
import { WholeFileBm25 } from './search-baseline';

const ROOT = join(__dirname, '../..');
const DATA = [join(ROOT, '../shared/data/swebench-lite-pytest.jsonl'), '/work/shared/data/swebench-lite-pytest.jsonl'].find(existsSync);
const MIRROR = process.env.MINIONS_PYTEST_MIRROR ?? '/work/.mirror/pytest-dev+pytest/repo';
const WORK = join(tmpdir(), 'minions-bench-search');

interface Instance {
  instance_id: string;
  base_commit: string;
  question: string;
  gold_files: string[];
}

const f3 = (n: number) => n.toFixed(3);

function recallAt(ranked: string[], gold: string[], k: number): number {
  const top = new Set(ranked.slice(0, k));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

async function retrieval(): Promise<void> {
  console.log('\n== retrieval: SWE-bench Lite pytest dev set');
  if (!DATA) {
    console.log('SKIPPED: swebench-lite-pytest.jsonl not found next to the repository (../shared/data/).');
    return;
  }
  if (!existsSync(MIRROR)) {
    console.log(`SKIPPED: no pytest mirror at ${MIRROR}. Bring it with the fetch tool (source github:pytest-dev/pytest) or set MINIONS_PYTEST_MIRROR to a bare clone.`);
    return;
  }
  const instances = readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Instance);
  const sums = { r1: 0, r5: 0, b1: 0, b5: 0 };
  for (const inst of instances) {
    const dir = join(WORK, 'pytest', inst.base_commit);
    if (!existsSync(join(dir, '.complete'))) {
      mkdirSync(dir, { recursive: true });
      execSync(`git --git-dir=${JSON.stringify(MIRROR)} archive ${inst.base_commit} | tar -x -C ${JSON.stringify(dir)} && touch .complete`, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const index = await openIndex({ roots: [dir], cacheDir: join(WORK, 'cache') });
    const ranked = index.searchFiles(inst.question, { top: 5 }).map((f) => f.path);
    const baseline = new WholeFileBm25();
    for (const f of index.files()) if (f.path !== '.complete') baseline.add(f.path, index.chunksOf(f.path).map((c) => c.text).join('\n'));
    const base = baseline.search(inst.question, 5);
    await index.dispose();
    const r = { r1: recallAt(ranked, inst.gold_files, 1), r5: recallAt(ranked, inst.gold_files, 5), b1: recallAt(base, inst.gold_files, 1), b5: recallAt(base, inst.gold_files, 5) };
    sums.r1 += r.r1;
    sums.r5 += r.r5;
    sums.b1 += r.b1;
    sums.b5 += r.b5;
    console.log(`${inst.instance_id.padEnd(26)} gold ${inst.gold_files.join(',').padEnd(34)} minions@5 ${r.r5 ? 'hit ' : 'miss'} (top1 ${ranked[0] ?? '-'})  bm25@5 ${r.b5 ? 'hit ' : 'miss'}`);
  }
  const n = instances.length;
  console.log(`\nfile-level recall over ${n} questions:`);
  console.log(`  minions search   recall@1 ${f3(sums.r1 / n)}   recall@5 ${f3(sums.r5 / n)}`);
  console.log(`  whole-file BM25  recall@1 ${f3(sums.b1 / n)}   recall@5 ${f3(sums.b5 / n)}`);
  console.log(`  ratio (minions/BM25) recall@1 ${f3(sums.r1 / Math.max(1e-9, sums.b1))}x  recall@5 ${f3(sums.r5 / Math.max(1e-9, sums.b5))}x`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** Deterministic pseudo-random numbers, so every run asks the same queries. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function latency(): Promise<void> {
  console.log('\n== latency: node_modules, small chunks');
  const t0 = performance.now();
  const index = await openIndex({ roots: [join(ROOT, 'node_modules')], chunkTokens: 160, cacheDir: join(WORK, 'cache') });
  console.log(`index: ${index.stats.files} files, ${index.stats.chunks} chunks (opened in ${(performance.now() - t0) / 1000 | 0} s)`);
  // Queries: identifiers and words drawn from random chunks (as a planner's keywords would be),
  // plus the dev-set issue texts when present (long, many terms).
  const files = index.files();
  const rand = rng(42);
  const queries: string[] = [];
  while (queries.length < 300) {
    const f = files[Math.floor(rand() * files.length)]!;
    const chunks = index.chunksOf(f.path);
    const c = chunks[Math.floor(rand() * chunks.length)];
    if (!c) continue;
    const words = [...termSet(c.text)];
    if (words.length < 4) continue;
    const pick = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => words[Math.floor(rand() * words.length)]!);
    queries.push(`where is ${pick.join(' ')} handled`);
  }
  if (DATA) for (const l of readFileSync(DATA, 'utf8').trim().split('\n')) queries.push((JSON.parse(l) as Instance).question);

  for (const [name, run] of [
    ['search (top 10 chunks)', (q: string) => index.search(q, { top: 10 })],
    ['searchFiles (top 10 files)', (q: string) => index.searchFiles(q, { top: 10 })],
  ] as const) {
    for (const q of queries.slice(0, 20)) run(q); // warm-up
    const times = queries.map((q) => {
      const t = performance.now();
      run(q);
      return performance.now() - t;
    });
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(28)} ${queries.length} queries  p50 ${percentile(times, 0.5).toFixed(1)} ms  p95 ${percentile(times, 0.95).toFixed(1)} ms  max ${times[times.length - 1]!.toFixed(1)} ms  (target p95 < 50 ms)`);
  }

  // Baseline: the same scoring terms, but a linear scan over every chunk's term set (no postings).
  const chunkTerms: Set<string>[] = [];
  for (const f of files) for (const c of index.chunksOf(f.path)) chunkTerms.push(termSet(c.text));
  const sample = queries.filter((_, i) => i % 15 === 0);
  const scan = sample.map((q) => {
    const terms = parseQuery(q).terms;
    const t = performance.now();
    let best = 0;
    for (const set of chunkTerms) {
      let s = 0;
      for (const { term, weight } of terms) if (set.has(term)) s += weight;
      if (s > best) best = s;
    }
    return performance.now() - t;
  });
  const indexed = sample.map((q) => {
    const t = performance.now();
    index.search(q, { top: 10 });
    return performance.now() - t;
  });
  scan.sort((a, b) => a - b);
  indexed.sort((a, b) => a - b);
  console.log(`linear-scan baseline         ${sample.length} queries  p50 ${percentile(scan, 0.5).toFixed(1)} ms  p95 ${percentile(scan, 0.95).toFixed(1)} ms; inverted index p50 ${percentile(indexed, 0.5).toFixed(1)} ms -> ${(percentile(scan, 0.5) / percentile(indexed, 0.5)).toFixed(1)}x faster`);
  exactNames(index, files);
  await index.dispose();
}

/**
 * Exact-name lookup, as an agent or a planner's keywords ask it: compound identifiers (two words
 * or more) that occur in exactly one chunk (compared case-insensitively, as the index does),
 * each searched alone; how often that chunk is first and in the top 10.
 */
function exactNames(index: Awaited<ReturnType<typeof openIndex>>, files: ReturnType<Awaited<ReturnType<typeof openIndex>>['files']>): void {
  const where = new Map<string, { ident: string; chunks: Set<string> }>();
  for (const f of files)
    for (const c of index.chunksOf(f.path))
      scanIdentifiers(c.text, (ident) => {
        const key = ident.toLowerCase();
        let w = where.get(key);
        if (!w) where.set(key, (w = { ident, chunks: new Set() }));
        if (w.chunks.size < 2) w.chunks.add(c.id);
      });
  const names = [...where.values()].filter((w) => w.chunks.size === 1 && w.ident.length >= 8 && compoundWords(w.ident) >= 2).map((w) => ({ ident: w.ident, chunk: [...w.chunks][0]! }));
  names.sort((a, b) => (a.ident < b.ident ? -1 : a.ident > b.ident ? 1 : 0));
  const step = Math.max(1, Math.floor(names.length / 400));
  let asked = 0;
  let first = 0;
  let top10 = 0;
  for (let i = 0; i < names.length && asked < 400; i += step) {
    const { ident, chunk } = names[i]!;
    asked++;
    const rank = index.search(ident, { top: 10 }).findIndex((h) => h.chunk.id === chunk);
    if (rank === 0) first++;
    if (rank >= 0) top10++;
  }
  console.log(`exact names                  ${asked} compound identifiers found in one chunk each (of ${names.length}), searched alone: that chunk first ${f3(first / Math.max(1, asked))}, in the top 10 ${f3(top10 / Math.max(1, asked))}`);
}

async function main(): Promise<void> {
  console.log(`bench:search  node ${process.version}  ${cpus().length} cores  load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const only = process.argv[2];
  if (only !== 'latency') await retrieval();
  if (only !== 'retrieval') await latency();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
