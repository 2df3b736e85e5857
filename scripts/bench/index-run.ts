// Child process of bench:index: one measured scenario, result as one JSON line on stdout.
//   cold DIR CACHE      open with an empty cache (full index), token-estimate error
//   warm DIR CACHE      reopen with the cache left by `cold`, then one-file updates
//   profile DIR CACHE   open with an empty cache and close, nothing else (run under --cpu-prof)
// then [WORKERS|default] [threads|processes].
import { openIndex } from '../../src/core/index/index';
import { estimateTokens } from '../../src/core/index/tokens';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir, cacheDir, workersArg, placeArg] = process.argv.slice(2) as [string, string, string, string | undefined, string | undefined];
// Where the parse workers run: threads, or processes (as the extension host has them).
const parseIn = placeArg === 'processes' ? 'processes' : 'threads';
const workers = workersArg === undefined || workersArg === 'default' ? undefined : Number(workersArg);

/**
 * CPU time of this process's children that have ended (the parse processes, once the index is
 * closed), from /proc/self/stat (cutime + cstime, in USER_HZ ticks, 100 per second on Linux).
 * Undefined where there is no /proc.
 */
function endedChildrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const UPDATES = 20;

function rssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function main(): Promise<void> {
  if (mode === 'cold') {
    const c0 = process.cpuUsage();
    const t = performance.now();
    const index = await openIndex({ roots: [dir], cacheDir, workers, parseIn });
    const ms = performance.now() - t;
    const c1 = process.cpuUsage(c0);
    const cpuMs = (c1.user + c1.system) / 1000;
    const peak = rssMB();
    // Token estimate against exact o200k counts on a deterministic sample of chunks. (Loaded
    // only here: its tables would otherwise weigh on every scenario's start and profile.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { countText: countTokens } = require('../../src/core/llm/tokens') as typeof import('../../src/core/llm/tokens');
    let est = 0;
    let exact = 0;
    let absErr = 0;
    let n = 0;
    const files = index.files();
    for (let i = 0; i < files.length && n < 3000; i += Math.max(1, Math.floor(files.length / 1500))) {
      for (const c of index.chunksOf(files[i]!.path)) {
        const e = countTokens(c.text);
        est += c.tokens;
        exact += e;
        absErr += Math.abs(c.tokens - e) / Math.max(1, e);
        n++;
      }
    }
    const s = index.stats;
    const d = performance.now();
    await index.dispose(); // waits for the cache write
    const saveMs = performance.now() - d;
    // Parse processes: their CPU is counted once they have ended (they only parsed while the index opened).
    const childMs = parseIn === 'processes' ? endedChildrenCpuMs() : 0;
    console.log(JSON.stringify({ ms, saveMs, cpuMs: cpuMs + (childMs ?? 0), cpuOfChildren: childMs !== undefined, files: s.files, chunks: s.chunks, bytes: s.bytes, skipped: s.skipped, peakRssMB: peak, tokenSample: n, tokenRatio: est / exact, tokenMeanAbsErr: absErr / n, estimateCheck: estimateTokens(3600) }));
    return;
  }
  if (mode === 'profile') {
    // Threads, so one --cpu-prof run sees every parse; the grammars at the baseline wasm tier, as
    // the CLI's threads and the extension host's parse processes have them.
    const index = await openIndex({ roots: [dir], cacheDir, workers, parseIn, ownsProcess: true });
    await index.dispose();
    console.log(JSON.stringify({ peakRssMB: rssMB() }));
    return;
  }
  if (mode === 'warm') {
    const t = performance.now();
    const index = await openIndex({ roots: [dir], cacheDir, workers, parseIn });
    const ms = performance.now() - t;
    // One file changed: pick a mid-sized code file, write a changed copy in place (a rename
    // replaces it, so a hard-linked corpus is never modified through the link).
    const candidates = index.files().filter((f) => f.language === 'javascript' && f.bytes > 4000 && f.bytes < 40000);
    const target = candidates[Math.floor(candidates.length / 2)] ?? index.files()[0]!;
    const abs = join(dir, target.path);
    const original = readFileSync(abs, 'utf8');
    const times: number[] = [];
    // The marker is one word no other file has: a camel-cased one (uniqueBenchMarker3) also
    // searches for its parts, and at 100k files other chunks full of "unique", "bench" and
    // "marker" outranked the edit's chunk in the top ten.
    const marker = (i: number) => `zqvbenchedit${i}`;
    try {
      for (let i = 0; i < UPDATES; i++) {
        writeFileSync(abs + '.bench-tmp', `${original}\n// bench edit ${marker(i)}\n`);
        renameSync(abs + '.bench-tmp', abs);
        const u = performance.now();
        await index.update([abs]);
        times.push(performance.now() - u);
        if (!index.chunksOf(target.path).some((c) => c.text.includes(marker(i)))) throw new Error(`update did not take effect: ${target.path} has no chunk with ${marker(i)}`);
        if (!index.search(marker(i)).some((h) => h.chunk.path === target.path)) throw new Error(`update not searchable: ${marker(i)} does not find ${target.path}`);
      }
    } finally {
      // Even when a check fails, the corpus is left as it was.
      writeFileSync(abs + '.bench-tmp', original);
      renameSync(abs + '.bench-tmp', abs);
      await index.update([abs]);
    }
    const s = index.stats;
    await index.dispose();
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    console.log(JSON.stringify({ ms, files: s.files, chunks: s.chunks, updateFile: target.path, updateBytes: target.bytes, updates: UPDATES, updateMedianMs: at(0.5), updateP95Ms: at(0.95), updateMaxMs: times[times.length - 1], peakRssMB: rssMB() }));
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
