// closeTruncatedJson: any prefix of any JSON text closes into valid JSON, and what it closes
// into is a truncation of the original (nothing invented, nothing reordered). A property test
// over generated JSON texts (a seeded generator, so a failure replays) and every cut point.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeTruncatedJson } from '../../../src/core/llm/close-json';
import { seededRandom as rng } from '../../support/seeded-random';


const PIECES = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', 'é', '→', '😀', '\u0001', 'true', '1.5', ',', ':', '{', ']', 'null'];

function genString(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function genValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.45) {
    const scalar = Math.floor(r() * 7);
    switch (scalar) {
      case 0: return genString(r);
      case 1: return Math.floor(r() * 2000) - 1000;
      case 2: return Number(((r() - 0.5) * 1e4).toFixed(3));
      case 3: return r() < 0.5 ? 1.25e-7 : -3.5e21;
      case 4: return r() < 0.5;
      case 5: return null;
      default: return genString(r);
    }
  }
  const n = Math.floor(r() * 5);
  if (pick < 0.7) return Array.from({ length: n }, () => genValue(r, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) obj[`${genString(r)}#${i}`] = genValue(r, depth + 1);
  return obj;
}

/**
 * `cut` is a truncation of `full`: the same shape, every member but the last one whole, the last
 * one (if any) itself a truncation; a string may be a prefix; a number is whole or absent.
 */
function isTruncation(cut: unknown, full: unknown): boolean {
  if (typeof cut === 'string') return typeof full === 'string' && full.startsWith(cut);
  if (typeof cut === 'number') return cut === full;
  if (cut === null || typeof cut === 'boolean') return cut === full;
  if (Array.isArray(cut)) {
    if (!Array.isArray(full) || cut.length > full.length) return false;
    return cut.every((v, i) => (i === cut.length - 1 ? isTruncation(v, full[i]) : deepEqual(v, full[i])));
  }
  if (typeof cut === 'object' && typeof full === 'object' && full !== null && !Array.isArray(full)) {
    const ck = Object.keys(cut);
    const fk = Object.keys(full);
    if (ck.length > fk.length || ck.some((k, i) => k !== fk[i])) return false;
    return ck.every((k, i) => (i === ck.length - 1 ? isTruncation((cut as Record<string, unknown>)[k], (full as Record<string, unknown>)[k]) : deepEqual((cut as Record<string, unknown>)[k], (full as Record<string, unknown>)[k])));
  }
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

describe('closeTruncatedJson', () => {
  test('every cut of 400 generated JSON texts (compact and indented) closes into valid JSON that truncates the original', () => {
    const r = rng(20261201);
    let cuts = 0;
    for (let n = 0; n < 400; n++) {
      const value = { root: genValue(r, 0), more: genValue(r, 1) };
      const text = n % 2 === 0 ? JSON.stringify(value) : JSON.stringify(value, null, n % 4 === 1 ? 2 : '\t');
      for (let cut = 1; cut <= text.length; cut++) {
        const prefix = text.slice(0, cut);
        const closed = closeTruncatedJson(prefix);
        assert.ok(closed !== undefined, `no JSON for ${JSON.stringify(prefix)}`);
        let parsed: unknown;
        assert.doesNotThrow(() => { parsed = JSON.parse(closed); }, `${JSON.stringify(prefix)} -> ${JSON.stringify(closed)}`);
        assert.ok(isTruncation(parsed, value), `${JSON.stringify(prefix)} -> ${closed} is not a truncation of ${text}`);
        cuts++;
      }
      assert.deepEqual(JSON.parse(closeTruncatedJson(text)!), value, 'a whole text comes back unchanged');
    }
    assert.ok(cuts > 20_000, `only ${cuts} cut points were tried`);
  });

  test('the failure seen on the second machine closes: a dangling comma after the last member', () => {
    const seen = '{"name": "My_Name","age": 10,"email": "email@my_email.com","password": "password","phone": "05388888888",';
    assert.throws(() => JSON.parse(seen));
    assert.deepEqual(JSON.parse(closeTruncatedJson(seen)!), { name: 'My_Name', age: 10, email: 'email@my_email.com', password: 'password', phone: '05388888888' });
  });

  test('what cannot stand alone is dropped, what can is kept', () => {
    const cases: [string, unknown][] = [
      ['{', {}],
      ['{"ke', {}],
      ['{"key"', {}],
      ['{"key":', {}],
      ['{"key": tr', {}],
      ['{"key": true', { key: true }],
      ['{"a": 1, "b": -', { a: 1 }],
      ['{"a": 1.', {}],
      ['{"a": 12', {}],
      ['{"a": 12,', { a: 12 }],
      ['{"a": 1e', {}],
      ['{"a": "half a sent', { a: 'half a sent' }],
      ['{"a": "escape \\', { a: 'escape ' }],
      ['{"a": "code \\u00', { a: 'code ' }],
      ['{"a": "two \\\\', { a: 'two \\' }],
      ['{"lines": [3, 4, ', { lines: [3, 4] }],
      ['[{"x": [1, {"y": "z', [{ x: [1, { y: 'z' }] }]],
      ['  {"a": 1} trailing words', { a: 1 }],
    ];
    for (const [prefix, expected] of cases) assert.deepEqual(JSON.parse(closeTruncatedJson(prefix)!), expected, prefix);
  });

  test('text that is no JSON prefix gives undefined, never invented JSON', () => {
    assert.equal(closeTruncatedJson(''), undefined);
    assert.equal(closeTruncatedJson('   '), undefined);
    assert.equal(closeTruncatedJson('Here is the answer: {"a": 1}'), undefined);
    assert.equal(closeTruncatedJson('"unterminated'), '"unterminated"');
  });
});
