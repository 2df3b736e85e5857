// bench:index --memory fits peak RSS on files and bytes: the fit must give back the plane the
// points lie on, and refuse what cannot be fitted (or checked) rather than print a number.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fitMemory, memorySteps, MIN_FIT_TREES, predicted, type MemoryPoint } from '../../../scripts/bench/index-memory';

const point = (files: number, bytes: number, peakRssMiB: number): MemoryPoint => ({ dir: `t${files}`, files, bytes, peakRssMiB, ms: 0 });

describe('bench:index memory fit', () => {
  test('recovers the plane that exact points lie on, for random planes and trees', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const base = 50 + rand() * 300;
      const perK = rand() * 5;
      const perMB = rand() * 3;
      const points = Array.from({ length: MIN_FIT_TREES + Math.floor(rand() * 4) }, () => {
        const files = Math.round(1000 + rand() * 100_000);
        const bytes = Math.round(1e6 + rand() * 5e8);
        return point(files, bytes, base + perK * (files / 1000) + perMB * (bytes / 1e6));
      });
      const fit = fitMemory(points);
      assert.ok(fit, `trial ${trial}: no fit`);
      assert.ok(Math.abs(fit.baseMiB - base) < 1e-6 * (1 + base), `trial ${trial}: base ${fit.baseMiB} vs ${base}`);
      assert.ok(Math.abs(fit.perThousandFilesMiB - perK) < 1e-6 * (1 + perK), `trial ${trial}: per 1k files ${fit.perThousandFilesMiB} vs ${perK}`);
      assert.ok(Math.abs(fit.perMBMiB - perMB) < 1e-6 * (1 + perMB), `trial ${trial}: per MB ${fit.perMBMiB} vs ${perMB}`);
      for (const p of points) assert.ok(Math.abs(predicted(fit, p) - p.peakRssMiB) < 1e-6 * p.peakRssMiB);
    }
  });

  test('minimises the squared residuals when the points are off any plane', () => {
    const points = [point(9238, 19e6, 251), point(4603, 46e6, 490), point(55353, 158e6, 770), point(45000, 280e6, 650), point(101000, 482e6, 890)];
    const fit = fitMemory(points)!;
    const sse = (f: typeof fit) => points.reduce((s, p) => s + (predicted(f, p) - p.peakRssMiB) ** 2, 0);
    const best = sse(fit);
    // Any nudge of a coefficient makes the fit worse.
    for (const key of ['baseMiB', 'perThousandFilesMiB', 'perMBMiB'] as const)
      for (const d of [-0.01, 0.01]) assert.ok(sse({ ...fit, [key]: fit[key] + d }) > best, `${key} ${d}`);
  });

  test('gives no fit below four trees (through three it is exact, whatever the figures), or when files and bytes are in proportion', () => {
    assert.equal(MIN_FIT_TREES, 4);
    assert.equal(fitMemory([]), undefined);
    assert.equal(fitMemory([point(1000, 1e6, 100), point(2000, 2e6, 150)]), undefined);
    // Three trees off any sensible plane (a fit through them came out at -45 MiB per 1k files).
    assert.equal(fitMemory([point(9238, 19.1e6, 226), point(10151, 44.6e6, 452), point(101261, 482.1e6, 895)]), undefined);
    assert.equal(fitMemory([point(1000, 1e6, 100), point(2000, 2e6, 150), point(4000, 4e6, 260), point(8000, 8e6, 500)]), undefined);
  });

  test('steps go from each tree to the next larger one and add up to the whole growth', () => {
    const points = [point(101261, 482.1e6, 895), point(9238, 19.1e6, 226), point(10151, 44.6e6, 452)];
    const steps = memorySteps(points);
    assert.deepEqual(
      steps.map((s) => [s.from.files, s.to.files]),
      [
        [9238, 10151],
        [10151, 101261],
      ],
    );
    assert.equal(steps[0]!.addedFiles, 913);
    assert.ok(Math.abs(steps[0]!.addedMB - 25.5) < 1e-9);
    assert.equal(steps.reduce((s, x) => s + x.addedMiB, 0), 895 - 226);
    assert.deepEqual(memorySteps([point(1000, 1e6, 100)]), []);
  });
});
