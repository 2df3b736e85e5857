import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ignore from 'ignore';
import { RuleScreen } from '../../../src/core/index/ignore-rules';

/** A small deterministic random source (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'ab', 'test', 'tests', 'dist', 'build', 'x.log', 'a.b.c', '.yarn', '.env', 'Foo', 'foo', 'node_modules', 'lib', 'src'];
const GLOB_SEGMENTS = ['a', 'b', 'ab', 'test*', '*.log', '*', 'dist*', 'a*b', '*.b.*', '.yarn', 'foo', 'FOO', 'node_modules', '*s', 'b*', 'lib'];

function randomRule(r: () => number): string {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const segments = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.15 ? '**' : pick(GLOB_SEGMENTS)));
  let rule = segments.join('/');
  if (r() < 0.3) rule = '/' + rule;
  if (r() < 0.2) rule += '/';
  if (r() < 0.2) rule = '!' + rule;
  return rule;
}

describe('ignore rule screen', () => {
  test('never screens out a path that a rule matches, nor one under a folder a rule matches, on random rules and paths', () => {
    const r = rng(7);
    let screened = 0;
    let checked = 0;
    let unscreenedSets = 0;
    for (let set = 0; set < 400; set++) {
      const text = Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomRule(r)).join('\n');
      const screen = RuleScreen.of(text);
      if (!screen) {
        // Only a rule of nothing but wildcards and slashes leaves plain rules unscreened.
        assert.match(text, /(^|\n)!?[*/]+($|\n)/, `plain rules have a screen: ${JSON.stringify(text)}`);
        unscreenedSets++;
        continue;
      }
      const rules = ignore({ allowRelativePaths: true }).add(text);
      for (let p = 0; p < 60; p++) {
        const path = Array.from({ length: 1 + Math.floor(r() * 4) }, () => NAMES[Math.floor(r() * NAMES.length)]!).join('/');
        checked++;
        if (screen.mayMatch(path.toLowerCase())) continue;
        screened++;
        for (const isDir of [false, true]) {
          const got = rules.test(isDir ? path + '/' : path);
          assert.ok(!got.ignored && !got.unignored, `${JSON.stringify(text)} screens out ${path}${isDir ? '/' : ''}, which ignore ${got.ignored ? 'ignores' : 'un-ignores'}`);
        }
      }
    }
    // The screen has to do its job too: many random paths miss many random rule sets.
    assert.ok(unscreenedSets < 100 && screened > checked / 4, `screened ${screened} of ${checked} paths; ${unscreenedSets} sets unscreened`);
  });

  test('rules in another form leave the whole set unscreened', () => {
    for (const text of ['a\n[Bb]uild', 'file?.txt', 'with\\ space', '**', '/**/*/', '/', 'x\n!', 'café']) assert.equal(RuleScreen.of(text), undefined, text);
    assert.ok(RuleScreen.of('# comment\n\n*.log\n/dist*\n!keep.log\nsrc/**/gen\n'));
  });
});
