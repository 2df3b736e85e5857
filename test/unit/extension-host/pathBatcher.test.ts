import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathBatcher, type Timers } from '../../../src/extension/pathBatcher';

/** A manual clock: timers fire only when the test advances time. */
function fakeClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const t: Timers = {
    set: (fn, ms) => { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
    clear: (h) => { timers.delete(h as number); },
  };
  return {
    timers: t,
    now: () => now,
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= now && timers.has(id)) { timers.delete(id); timer.fn(); }
      }
    },
  };
}

test('changes within the delay are flushed once, deduplicated and sorted', () => {
  const clock = fakeClock();
  const batches: string[][] = [];
  const b = new PathBatcher(300, (p) => batches.push(p), 3000, clock.timers, clock.now);
  b.add('b.ts'); clock.advance(100);
  b.add('a.ts'); clock.advance(100);
  b.add('b.ts'); clock.advance(299);
  assert.equal(batches.length, 0);
  clock.advance(1);
  assert.deepEqual(batches, [['a.ts', 'b.ts']]);
  assert.equal(b.size, 0);
});

test('a steady stream of changes is still flushed by maxWait', () => {
  const clock = fakeClock();
  const batches: string[][] = [];
  const b = new PathBatcher(300, (p) => batches.push(p), 1000, clock.timers, clock.now);
  for (let i = 0; i < 10; i++) { b.add(`f${i}`); clock.advance(200); }
  assert.ok(batches.length >= 1, 'flushed during the stream');
  assert.equal(batches[0]!.length, 5);
});

test('fire flushes at once; dispose drops pending changes', () => {
  const clock = fakeClock();
  const batches: string[][] = [];
  const b = new PathBatcher(300, (p) => batches.push(p), 3000, clock.timers, clock.now);
  b.add('x'); b.fire();
  assert.deepEqual(batches, [['x']]);
  b.fire();
  assert.equal(batches.length, 1, 'nothing pending, nothing flushed');
  b.add('y'); b.dispose(); clock.advance(10_000);
  assert.equal(batches.length, 1);
});
