// Git-style ignore rules, stacked per directory: `.gitignore` and `.minionsignore` at any level,
// plus the root's `.git/info/exclude`. A deeper file's rules override a shallower one's, and a
// negation (`!keep.txt`) re-includes, as in git. Directories that are ignored are never entered.
import ignore, { type Ignore } from 'ignore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const IGNORE_FILE_NAMES = ['.gitignore', '.minionsignore'] as const;

interface RuleSet {
  /** Root-relative directory the rules live in ('' for the root), no trailing slash. */
  readonly base: string;
  readonly rules: Ignore;
  /** Which paths the rules cannot match at all (RuleScreen); undefined when every path goes to `rules`. */
  readonly screen: RuleScreen | undefined;
}

/**
 * A glob of one path segment with `*` as its only wildcard, matched the way gitignore does (a
 * `*` never crosses a `/`): the text between the stars in order, the first at the start unless
 * the glob starts with a star, the last at the end unless it ends with one.
 */
class SegmentGlob {
  private readonly pieces: string[];
  private readonly open: boolean;
  private readonly close: boolean;
  constructor(glob: string) {
    this.pieces = glob.split(/\*+/);
    this.open = glob.startsWith('*');
    this.close = glob.endsWith('*');
  }
  matches(segment: string): boolean {
    const { pieces } = this;
    const last = pieces.length - 1;
    if (last === 0) return segment === pieces[0];
    if (!this.open && !segment.startsWith(pieces[0]!)) return false;
    let at = pieces[0]!.length;
    for (let i = 1; i < last; i++) {
      const found = segment.indexOf(pieces[i]!, at);
      if (found === -1) return false;
      at = found + pieces[i]!.length;
    }
    return this.close || (segment.length - pieces[last]!.length >= at && segment.endsWith(pieces[last]!));
  }
}

/**
 * Which paths a set of ignore rules cannot match at all, read from the rules' text: a walk tests
 * every file and folder against every set above it (a prettier checkout: ~12k paths, 35 rules at
 * its root and ten more files below), and a path that no rule can match needs no test. Only
 * rules in a plain form are read (names, `*` and `**` wildcards, slashes, a leading `!`); a set
 * with anything else (character classes, `?`, escapes, spaces) has no screen and every path is
 * tested, as before. The screen is conservative: it lets through every path a rule matches or
 * sits under a folder a rule matches (and some others: the real test then decides), never the
 * other way round.
 */
export class RuleScreen {
  /** Rules without a slash: they match a segment, at any depth. */
  private readonly anywhere: SegmentGlob[] = [];
  /** Rules with a slash and no `**`: segment by segment from the set's folder. */
  private readonly anchored: SegmentGlob[][] = [];
  /** Rules with `**`: the path contains their longest literal text. */
  private readonly containing: string[] = [];

  /** The screen of these rules, or undefined when one of them is not in a plain form. */
  static of(text: string): RuleScreen | undefined {
    const screen = new RuleScreen();
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/[ \t]+$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const body = line.startsWith('!') ? line.slice(1) : line;
      // eslint-disable-next-line no-control-regex
      if (body === '' || /[[\]?\\{}\s\u0080-\uffff\u0000-\u001f!]/.test(body)) return undefined;
      // The rules ignore case (ignore's default): so does the screen, on lower-cased paths.
      const glob = (body.endsWith('/') ? body.slice(0, -1) : body).toLowerCase();
      if (glob === '' || glob === '/') return undefined;
      if (glob.includes('**')) {
        const longest = glob.split(/\*+/).map((f) => f.replace(/^\/+|\/+$/g, '')).reduce((a, b) => (b.length > a.length ? b : a), '');
        if (longest === '') return undefined; // `**`: anything
        screen.containing.push(longest);
      } else if (!glob.includes('/')) screen.anywhere.push(new SegmentGlob(glob));
      else screen.anchored.push(glob.replace(/^\//, '').split('/').map((g) => new SegmentGlob(g)));
    }
    return screen;
  }

  /** False when no rule of the set can match `lower` (a lower-cased path relative to the set's folder) or a folder above it. */
  mayMatch(lower: string): boolean {
    for (const p of this.containing) if (lower.includes(p)) return true;
    const segments = lower.split('/');
    for (const globs of this.anchored) {
      if (globs.length > segments.length) continue;
      let all = true;
      for (let i = 0; all && i < globs.length; i++) all = globs[i]!.matches(segments[i]!);
      if (all) return true;
    }
    for (const g of this.anywhere) for (const s of segments) if (g.matches(s)) return true;
    return false;
  }
}

function readRules(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function ruleSet(base: string, text: string): RuleSet {
  return { base, rules: ignore({ allowRelativePaths: true }).add(text), screen: RuleScreen.of(text) };
}

export class IgnoreStack {
  private constructor(private readonly sets: readonly RuleSet[]) {}

  static forRoot(rootAbs: string): IgnoreStack {
    const texts = [readRules(join(rootAbs, '.git', 'info', 'exclude'))];
    for (const name of IGNORE_FILE_NAMES) texts.push(readRules(join(rootAbs, name)));
    const present = texts.filter((t): t is string => t !== undefined);
    return new IgnoreStack(present.length ? [ruleSet('', present.join('\n'))] : []);
  }

  /** The stack for a sub-directory: this one plus the directory's own ignore files, if any. */
  enter(dirAbs: string, dirRel: string, names: ReadonlySet<string>): IgnoreStack {
    const texts: string[] = [];
    for (const name of IGNORE_FILE_NAMES) {
      if (!names.has(name)) continue;
      const t = readRules(join(dirAbs, name));
      if (t !== undefined) texts.push(t);
    }
    if (texts.length === 0) return this;
    return new IgnoreStack([...this.sets, ruleSet(dirRel, texts.join('\n'))]);
  }

  /** `rel` is root-relative with `/` separators; directories are tested with `isDir`. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    // Lower-cased once for every set's screen; a path whose length that changes is not screened.
    let lower: string | undefined;
    for (const set of this.sets) {
      const local = set.base === '' ? rel : rel.slice(set.base.length + 1);
      if (set.screen) {
        lower ??= rel.toLowerCase();
        if (lower.length === rel.length && !set.screen.mayMatch(set.base === '' ? lower : lower.slice(set.base.length + 1))) continue;
      }
      const r = set.rules.test(isDir ? local + '/' : local);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }
}
