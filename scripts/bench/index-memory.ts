// bench:index --memory DIR [--memory DIR ...]: how a cold `minions index` grows in memory with
// the files and the bytes it indexes. Each tree is indexed cold through the bundled CLI, in a
// process of its own with an empty cache, and its peak RSS (the kernel's high-water mark, read by
// the process itself as it exits: peak-rss.cjs) is reported with the files and bytes the CLI
// indexed, with the step from each tree to the next larger one. With four trees or more, a
// least-squares fit says how much each thousand files and each MB of text adds on top of a fixed
// part, and how far each tree is from that fit (through three, a fit of three parts is exact and
// its residuals check nothing).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-run';

/** One tree's cold index through the CLI. */
export interface MemoryPoint {
  dir: string;
  files: number;
  /** Bytes of the indexed files, as `minions index --json` counts them. */
  bytes: number;
  peakRssMiB: number;
  ms: number;
}

/** RSS ≈ base + perThousandFiles·(files/1000) + perMB·(bytes/1e6), in MiB. */
export interface MemoryFit {
  baseMiB: number;
  perThousandFilesMiB: number;
  perMBMiB: number;
}

const PEAK_MARK = 'peak-rss-kib ';

/** Indexes `dir` cold through the CLI of `bundleDir` and reads the process's peak RSS. */
export function measureMemory(bundleDir: string, dir: string, cwd: string): MemoryPoint {
  const cache = mkdtempSync(join(tmpdir(), 'minions-bench-cache-'));
  try {
    const { ms, stdout, stderr } = runCli(bundleDir, ['index', '--workspace', dir, '--cache', cache, '--json'], cwd, ['--require', join(__dirname, 'peak-rss.cjs')]);
    const peak = stderr.split('\n').find((l) => l.startsWith(PEAK_MARK));
    if (!peak) throw new Error(`no peak RSS came back from the index of ${dir}:\n${stderr}`);
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { files: number; bytes: number };
    return { dir, files: out.files, bytes: out.bytes, peakRssMiB: Number(peak.slice(PEAK_MARK.length)) / 1024, ms };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Trees a fit needs: one more than its three parts, so that how far the trees lie from it says something. */
export const MIN_FIT_TREES = 4;

/**
 * The least-squares fit of peak RSS on files and bytes; undefined with fewer than MIN_FIT_TREES
 * points, or when the trees' files and bytes are in proportion (nothing tells the two apart then).
 */
export function fitMemory(points: readonly MemoryPoint[]): MemoryFit | undefined {
  if (points.length < MIN_FIT_TREES) return undefined;
  // Normal equations (XᵀX)β = Xᵀy with X's columns 1, files/1000, MB.
  const rows = points.map((p) => [1, p.files / 1000, p.bytes / 1e6]);
  const a = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const b = [0, 1, 2].map((i) => rows.reduce((s, r, k) => s + r[i]! * points[k]!.peakRssMiB, 0));
  const beta = solve3(a, b);
  return beta && { baseMiB: beta[0]!, perThousandFilesMiB: beta[1]!, perMBMiB: beta[2]! };
}

/** What the fit predicts for a tree. */
export function predicted(fit: MemoryFit, p: Pick<MemoryPoint, 'files' | 'bytes'>): number {
  return fit.baseMiB + fit.perThousandFilesMiB * (p.files / 1000) + fit.perMBMiB * (p.bytes / 1e6);
}

/** Gaussian elimination with partial pivoting; undefined for a (near-)singular system. */
function solve3(a: number[][], b: number[]): number[] | undefined {
  const m = a.map((row, i) => [...row, b[i]!]);
  const n = 3;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    const scale = Math.max(...m.map((row) => Math.abs(row[col]!)));
    if (scale === 0 || Math.abs(m[pivot]![col]!) < 1e-9 * scale) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** From each tree to the next larger one (by bytes): what the extra files and bytes added to the peak. */
export interface MemoryStep {
  from: MemoryPoint;
  to: MemoryPoint;
  addedMiB: number;
  addedFiles: number;
  addedMB: number;
}

export function memorySteps(points: readonly MemoryPoint[]): MemoryStep[] {
  const sorted = [...points].sort((a, b) => a.bytes - b.bytes || a.files - b.files);
  return sorted.slice(1).map((to, i) => {
    const from = sorted[i]!;
    return { from, to, addedMiB: to.peakRssMiB - from.peakRssMiB, addedFiles: to.files - from.files, addedMB: (to.bytes - from.bytes) / 1e6 };
  });
}

/**
 * A step's MiB per MB added is printed only where it adds at least this share of its bytes: between
 * two trees of about the same size, the run-to-run spread of the peak is most of the difference.
 */
const STEP_RATE_MIN_GROWTH = 0.25;

/** Prints each tree's figures, the steps between them and, with MIN_FIT_TREES or more, the fit. */
export function printMemoryGrowth(points: readonly MemoryPoint[]): void {
  const mib = (n: number) => `${Math.round(n)} MiB`;
  const signed = (n: number, digits = 0) => `${n < 0 ? '-' : '+'}${Math.abs(n).toFixed(digits)}`;
  console.log('\n== memory: cold `minions index` (process start to exit, empty cache), peak RSS of its process');
  for (const p of points) console.log(`${p.dir}: ${p.files} files, ${(p.bytes / 1e6).toFixed(1)} MB  peak RSS ${mib(p.peakRssMiB)} (${(p.peakRssMiB * 1.048576).toFixed(0)} MB)  ${(p.ms / 1000).toFixed(1)} s`);
  for (const s of memorySteps(points))
    console.log(`step:         ${s.from.dir} -> ${s.to.dir}: ${signed(s.addedMiB)} MiB for ${signed(s.addedFiles)} files and ${signed(s.addedMB, 1)} MB${s.addedMB >= STEP_RATE_MIN_GROWTH * (s.from.bytes / 1e6) ? ` (${(s.addedMiB / s.addedMB).toFixed(2)} MiB per MB added)` : ''}`);
  const fit = fitMemory(points);
  if (!fit) {
    console.log(
      points.length < MIN_FIT_TREES
        ? `fit:          needs ${MIN_FIT_TREES} trees or more (--memory DIR, repeated): a fit of a fixed part, files and bytes ${points.length < 3 ? 'is not determined by fewer than three' : 'is exact through three, so it checks nothing'}`
        : "fit:          the trees' files and bytes are in proportion: no fit tells them apart",
    );
    return;
  }
  console.log(`fit:          peak RSS ≈ ${mib(fit.baseMiB)} + ${fit.perThousandFilesMiB.toFixed(2)} MiB per 1k files + ${fit.perMBMiB.toFixed(2)} MiB per MB of text (least squares over ${points.length} trees)`);
  if (fit.baseMiB < 0 || fit.perThousandFilesMiB < 0 || fit.perMBMiB < 0)
    console.log('              a part of it is negative: peak RSS does not grow linearly in files and bytes over these trees (read the steps above, not the fit)');
  for (const p of points) console.log(`              ${p.dir}: fit ${mib(predicted(fit, p))}, measured ${mib(p.peakRssMiB)}`);
}
