import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleRows, scrollToReveal } from '../../../src/webview/window-range';

test('renders only the rows in view plus the overscan', () => {
  assert.deepEqual(visibleRows(0, 240, 24, 1000, 5), { start: 0, end: 16 });
  assert.deepEqual(visibleRows(2400, 240, 24, 1000, 5), { start: 95, end: 116 });
  assert.deepEqual(visibleRows(23_760, 240, 24, 1000, 5), { start: 985, end: 1000 }); // scrolled to the bottom
  assert.deepEqual(visibleRows(99_999, 240, 24, 1000, 5), { start: 994, end: 1000 }); // past it (a list that just shrank)
});

test('empty and short lists', () => {
  assert.deepEqual(visibleRows(0, 240, 24, 0), { start: 0, end: 0 });
  assert.deepEqual(visibleRows(0, 240, 24, 3), { start: 0, end: 3 });
  assert.deepEqual(visibleRows(-50, 240, 24, 3), { start: 0, end: 3 });
});

test('a thousand rows never put more than a viewport and the overscan in the DOM', () => {
  for (let top = 0; top < 24_000; top += 997) {
    const r = visibleRows(top, 384, 24, 1000, 8);
    assert.ok(r.end - r.start <= 16 + 1 + 16, JSON.stringify(r));
    assert.ok(r.start <= Math.floor(top / 24) && r.end >= Math.min(1000, Math.ceil((top + 384) / 24)), JSON.stringify(r));
  }
});

test('scrollToReveal moves just enough to show a row', () => {
  assert.equal(scrollToReveal(5, 0, 240, 24), undefined);
  assert.equal(scrollToReveal(20, 0, 240, 24), 20 * 24 + 24 - 240);
  assert.equal(scrollToReveal(2, 240, 240, 24), 48);
});
