// A background build yields to its host between slices of work: the `pace` option. The refresh
// waits for it (a host pauses the build while the user types) and ends with the same index.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openIndex } from '../../../src/core/index/index';
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
});
