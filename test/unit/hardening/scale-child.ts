// Child process for the index-at-scale checks (run with `node --import tsx`): builds a generated
// workspace of N small files, indexes it, and prints one JSON line of figures. A child of its
// own, so its peak RSS (getrusage maxrss) is the index's and not the test runner's.
//   args: <files> <workers> [cancelAtFraction]
//   MINIONS_SCALE_DIR: index this already generated tree (made by generateTree with <files>) and leave it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinionsError } from '../../../src/core/errors';
import { openIndex } from '../../../src/core/index/index';
import { generateTree } from './scale-tree';

const files = Number(process.argv[2] ?? 1000);
const workers = Number(process.argv[3] ?? 0);
const cancelAt = process.argv[4] === undefined ? undefined : Number(process.argv[4]);

async function main(): Promise<void> {
  const given = process.env.MINIONS_SCALE_DIR;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'minions-scale-'));
  try {
    const genStarted = Date.now();
    if (!given) generateTree(dir, files);
    const genMs = Date.now() - genStarted;
    const rssBefore = process.memoryUsage().rss;
    const controller = new AbortController();
    let progressEvents = 0;
    let lastChunk = { done: 0, total: 0 };
    let walkEvents = 0;
    let monotonic = true;
    let cancelledAtDone: number | undefined;
    let sinceAbortMs: number | undefined;
    let abortedAt = 0;
    const started = Date.now();
    let outcome = 'built';
    let stats: unknown;
    try {
      const index = await openIndex({
        roots: [dir], workers, signal: controller.signal,
        onProgress: (p) => {
          progressEvents++;
          if (p.phase === 'walk') walkEvents++;
          if (p.phase !== 'chunk') return;
          if (p.done < lastChunk.done) monotonic = false;
          lastChunk = { done: p.done, total: p.total };
          if (cancelAt !== undefined && cancelledAtDone === undefined && p.done >= p.total * cancelAt) {
            cancelledAtDone = p.done;
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      stats = index.stats;
      const hits = index.search('handler4242 input').length;
      await index.dispose();
      stats = { ...(stats as object), hits };
    } catch (err) {
      outcome = err instanceof MinionsError ? err.code : `unexpected: ${String(err)}`;
      sinceAbortMs = Date.now() - abortedAt;
    }
    const ms = Date.now() - started;
    process.stdout.write(JSON.stringify({
      files, workers, outcome, genMs, ms, stats, progressEvents, walkEvents, lastChunk, monotonic, cancelledAtDone, sinceAbortMs,
      rssBeforeMiB: Math.round(rssBefore / 1048576), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n');
  } finally {
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

void main();
