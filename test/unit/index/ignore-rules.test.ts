import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ignore from 'ignore';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IgnoreStack, RuleScreen, type FolderRules, type ScreenPoint } from '../../../src/core/index/ignore-rules';

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

  test("a walk's screen, name by name from each folder's standing, says what the whole path's says", () => {
    const r = rng(11);
    let compared = 0;
    for (let set = 0; set < 300; set++) {
      const screen = RuleScreen.of(Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomRule(r)).join('\n'));
      if (!screen) continue;
      for (let p = 0; p < 40; p++) {
        const segments = Array.from({ length: 1 + Math.floor(r() * 5) }, () => NAMES[Math.floor(r() * NAMES.length)]!.toLowerCase());
        let at: ScreenPoint = screen.origin();
        for (let i = 0; i < segments.length; i++) {
          const path = segments.slice(0, i + 1).join('/');
          const may = screen.entryMayMatch(at, segments[i]!, path);
          assert.equal(may, screen.mayMatch(path), `${path}`);
          at = screen.below(at, segments[i]!, may);
          compared++;
        }
      }
    }
    assert.ok(compared > 10_000, `${compared} paths compared`);
  });
});

describe('folder rules (the walk\'s view of the ignore stack)', () => {
  test('give the same verdict as the whole stack on every path of random trees with ignore files at several levels', () => {
    const r = rng(5);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    // Rules of every form, so that screened and unscreened sets (and un-ignoring ones) mix.
    const rule = () => (r() < 0.1 ? pick(['[Bb]uild', 'file?.txt', 'Foo', 'ÄB', '*']) : randomRule(r));
    const names = [...NAMES, 'İx', 'ÄB'];
    let checked = 0;
    for (let tree = 0; tree < 40; tree++) {
      const root = mkdtempSync(join(tmpdir(), 'minions-folder-rules-'));
      try {
        const folders = ['', 'a', 'a/b', 'src', 'src/test', 'Foo'];
        for (const f of folders) {
          mkdirSync(join(root, f), { recursive: true });
          if (r() < 0.6) writeFileSync(join(root, f, pick(['.gitignore', '.minionsignore'])), Array.from({ length: 1 + Math.floor(r() * 4) }, rule).join('\n'));
        }
        const base = IgnoreStack.forRoot(root);
        for (let p = 0; p < 80; p++) {
          const segments = [...pick(folders).split('/').filter(Boolean), ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(names))];
          const startAt = Math.floor(r() * segments.length);
          // Whole-stack verdicts, folder by folder as the walk meets them, from the root.
          let stack = base;
          let folder: FolderRules | undefined;
          for (let i = 0; i < segments.length; i++) {
            const dirRel = segments.slice(0, i).join('/');
            if (i > 0) stack = stack.enter(join(root, dirRel), dirRel, new Set(['.gitignore', '.minionsignore']));
            // The walk's view: started fresh at some folder (a walk from a sub-folder), then carried down.
            if (i === startAt) folder = (i === 0 ? base : stack).inFolder(dirRel);
            else if (folder && i > startAt) folder = folder.enter(join(root, dirRel), new Set(['.gitignore', '.minionsignore']));
            const rel = segments.slice(0, i + 1).join('/');
            const last = i === segments.length - 1;
            for (const isDir of last ? [false, true] : [true]) {
              const expected = stack.ignores(rel, isDir);
              if (folder) {
                const got = isDir ? folder.folder(segments[i]!, rel) === undefined : folder.ignoresFile(segments[i]!, rel);
                assert.equal(got, expected, `${rel}${isDir ? '/' : ''} in ${root}`);
                checked++;
              }
            }
            if (stack.ignores(rel, true)) break; // the walk never enters an ignored folder
            if (folder && i >= startAt) folder = folder.folder(segments[i]!, rel);
          }
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
    assert.ok(checked > 2_000, `${checked} verdicts compared`);
  });
});
