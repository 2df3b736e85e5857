// A background build yields to its host between slices of work: the `pace` option. The refresh
// waits for it (a host pauses the build while the user types) and ends with the same index.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openIndex } from '../../../src/core/index/index';
import { ReadAhead } from '../../../src/core/index/read-ahead';
import { PACE_SLICE_MS } from '../../../src/core/index/options';
import { makeWorkspace, removeWorkspace } from './workspace';

const made: string[] = [];
after(() => made.forEach(removeWorkspace));

function manyFiles(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++)
    files[`src/m${i}.ts`] = `export function compute${i}(value: number): number {\n  const scaled = value * ${i};\n  return scaled + ${i};\n}\n`;
  return files;
}

describe('index pacing', () => {
  test('a held pace holds the build; released, the build ends with every file', async () => {
    const dir = makeWorkspace(manyFiles(400));
    made.push(dir);
    let calls = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let firstCall!: () => void;
    const called = new Promise<void>((r) => (firstCall = r));
    let finished = false;
    const opening = openIndex({
      roots: [dir],
      workers: 0,
      pace: () => {
        calls++;
        if (calls === 1) {
          firstCall();
          return held;
        }
        return Promise.resolve();
      },
    }).then((index) => {
      finished = true;
      return index;
    });
    await called;
    // While the pace is held the build does not end, however many turns the loop gets.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(finished, false);
    release();
    const index = await opening;
    try {
      assert.equal(index.stats.files, 400);
      assert.ok(index.search('compute399').some((h) => h.chunk.path === 'src/m399.ts'));
    } finally {
      await index.dispose();
    }
    const plain = await openIndex({ roots: [dir], workers: 0 });
    try {
      assert.equal(plain.stats.chunks, index.stats.chunks);
    } finally {
      await plain.dispose();
    }
  });

  test('files that need no work still yield, see a cancellation and pace, without an await each', async () => {
    let paced = 0;
    const stop = new AbortController();
    const ahead = new ReadAhead({ files: 4, bytes: 1 << 20, signal: stop.signal, pace: async () => void paced++ });
    // Past a slice of work: the next due pass paces.
    const t0 = performance.now();
    while (performance.now() - t0 <= PACE_SLICE_MS);
    let due: Promise<void> | undefined;
    let passes = 0;
    for (; passes < 100_000 && !(due = ahead.pass()); passes++);
    assert.ok(due, 'no pass ever yielded');
    assert.ok(passes >= 100, `${passes} passes before the first yield`);
    await due;
    assert.equal(paced, 1);
    // The next due pass after a cancellation throws it.
    stop.abort();
    assert.throws(() => {
      for (let i = 0; i < 100_000; i++) ahead.pass();
    }, /cancel/i);
  });
});
