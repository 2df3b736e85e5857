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

  /** A folder's standing at the set's own folder: nothing matched yet, every anchored rule still in play. */
  origin(): ScreenPoint {
    return { all: false, depth: 0, alive: this.anchored.map((_, i) => i) };
  }

  /**
   * mayMatch() of a folder's entry, from the folder's standing (`at`) and the entry's lower-cased
   * name: a walk tests every name once instead of every segment of every path. `lower` is the
   * entry's whole lower-cased path relative to the set's folder (the `**` rules' literal may span
   * segments).
   */
  entryMayMatch(at: ScreenPoint, name: string, lower: string): boolean {
    if (at.all) return true;
    for (const p of this.containing) if (lower.includes(p)) return true;
    for (const g of this.anywhere) if (g.matches(name)) return true;
    for (const i of at.alive) {
      const globs = this.anchored[i]!;
      if (globs.length === at.depth + 1 && globs[at.depth]!.matches(name)) return true;
    }
    return false;
  }

  /**
   * The standing of the folder at `lower` (lower-cased, relative to the set's folder; '' for
   * that folder itself), reached segment by segment as a walk would reach it.
   */
  pointAt(lower: string): ScreenPoint {
    let at = this.origin();
    if (lower === '') return at;
    let path = '';
    for (const name of lower.split('/')) {
      path = path === '' ? name : `${path}/${name}`;
      at = this.below(at, name, this.entryMayMatch(at, name, path));
    }
    return at;
  }

  /**
   * The standing of a sub-folder named `name`, whose entryMayMatch() was `may`. A path that may
   * match leaves every path under it the same (they contain it), so they are not screened; else
   * only the anchored rules longer than it whose next segment matches the name stay in play.
   */
  below(at: ScreenPoint, name: string, may: boolean): ScreenPoint {
    if (at.all || may) return ALL_MAY_MATCH;
    const alive: number[] = [];
    for (const i of at.alive) {
      const globs = this.anchored[i]!;
      if (globs.length > at.depth + 1 && globs[at.depth]!.matches(name)) alive.push(i);
    }
    return { all: false, depth: at.depth + 1, alive };
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

/**
 * Where a folder's path stands against a set's screen (RuleScreen.below): every path under it may
 * match (`all`), or the anchored rules whose first `depth` segments matched its own.
 */
export interface ScreenPoint {
  readonly all: boolean;
  readonly depth: number;
  readonly alive: readonly number[];
}

const ALL_MAY_MATCH: ScreenPoint = { all: true, depth: 0, alive: [] };

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

/**
 * The rule set of a folder's own ignore files, if it has any. `names`: the folder's entries, where
 * the caller listed it; without them every ignore file name is tried.
 */
function folderRuleSet(dirAbs: string, dirRel: string, names: ReadonlySet<string> | undefined): RuleSet | undefined {
  const texts: string[] = [];
  for (const name of IGNORE_FILE_NAMES) {
    if (names && !names.has(name)) continue;
    const t = readRules(join(dirAbs, name));
    if (t !== undefined) texts.push(t);
  }
  return texts.length ? ruleSet(dirRel, texts.join('\n')) : undefined;
}

/** A root-relative path (or one lower-cased) as seen from the set's folder. */
function relativeTo(set: RuleSet, path: string): string {
  return set.base === '' ? path : path.slice(set.base.length + 1);
}

/** One set's verdict on a path: ignored, re-included, or neither (the sets below decide). */
function applySet(set: RuleSet, local: string, isDir: boolean, ignored: boolean): boolean {
  const r = set.rules.test(isDir ? local + '/' : local);
  return r.ignored ? true : r.unignored ? false : ignored;
}

export class IgnoreStack {
  private constructor(private readonly sets: readonly RuleSet[]) {}

  static forRoot(rootAbs: string): IgnoreStack {
    const texts = [readRules(join(rootAbs, '.git', 'info', 'exclude'))];
    for (const name of IGNORE_FILE_NAMES) texts.push(readRules(join(rootAbs, name)));
    const present = texts.filter((t): t is string => t !== undefined);
    return new IgnoreStack(present.length ? [ruleSet('', present.join('\n'))] : []);
  }

  /**
   * The stack for a sub-directory: this one plus the directory's own ignore files, if any
   * (`names`: its entries, where known; see folderRuleSet).
   */
  enter(dirAbs: string, dirRel: string, names?: ReadonlySet<string>): IgnoreStack {
    const own = folderRuleSet(dirAbs, dirRel, names);
    return own ? new IgnoreStack([...this.sets, own]) : this;
  }

  /** `rel` is root-relative with `/` separators; directories are tested with `isDir`. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    // Lower-cased once for every set's screen; a path whose length that changes is not screened.
    let lower: string | undefined;
    for (const set of this.sets) {
      if (set.screen) {
        lower ??= rel.toLowerCase();
        if (lower.length === rel.length && !set.screen.mayMatch(relativeTo(set, lower))) continue;
      }
      ignored = applySet(set, relativeTo(set, rel), isDir, ignored);
    }
    return ignored;
  }

  /** These rules as a walk meets them in the folder `dirRel` (root-relative; '' for the root). */
  inFolder(dirRel: string): FolderRules {
    const lowerDir = dirRel.toLowerCase();
    // A folder whose path lower-casing changes in length is not screened, nor is anything under it.
    const screened = lowerDir.length === dirRel.length;
    const points = this.sets.map((set) => set.screen && (screened ? set.screen.pointAt(relativeTo(set, lowerDir)) : ALL_MAY_MATCH));
    return new FolderRules(this.sets, points, dirRel, lowerDir);
  }
}

/**
 * The ignore rules in one folder of a walk, and where the folder stands against each set's
 * screen (RuleScreen.below), so that an entry is screened by its name alone: a walk screened
 * every segment of every path it met, a tenth of a warm reopen of prettier/prettier.
 * Same verdicts as IgnoreStack.ignores.
 */
export class FolderRules {
  constructor(
    private readonly sets: readonly RuleSet[],
    /** Per set: its folder's standing; undefined for a set without a screen. */
    private readonly points: readonly (ScreenPoint | undefined)[],
    private readonly dirRel: string,
    /** dirRel lower-cased (only read where it kept its length: see the points). */
    private readonly lowerDir: string,
  ) {}

  /** The folder's entry `name` (`rel` its root-relative path), a file: ignored? */
  ignoresFile(name: string, rel: string): boolean {
    return this.verdict(name, rel, false, undefined);
  }

  /** The folder's entry `name` (`rel` its root-relative path), a folder: its rules, or undefined when it is ignored. */
  folder(name: string, rel: string): FolderRules | undefined {
    const points = new Array<ScreenPoint | undefined>(this.sets.length);
    if (this.verdict(name, rel, true, points)) return undefined;
    return new FolderRules(this.sets, points, rel, this.lowerDir === '' ? name.toLowerCase() : `${this.lowerDir}/${name.toLowerCase()}`);
  }

  /** These rules plus the folder's own ignore files, if any (`abs`: the folder; `names`: its entries). */
  enter(abs: string, names: ReadonlySet<string>): FolderRules {
    const own = folderRuleSet(abs, this.dirRel, names);
    if (!own) return this;
    return new FolderRules([...this.sets, own], [...this.points, own.screen?.origin()], this.dirRel, this.lowerDir);
  }

  /** Whether the sets ignore the entry; with `below`, each set's standing in it (a folder's) is filled in. */
  private verdict(name: string, rel: string, isDir: boolean, below: (ScreenPoint | undefined)[] | undefined): boolean {
    let ignored = false;
    let lowerName: string | undefined;
    // The entry's lower-cased path, made once for every set that screens it.
    let lower: string | undefined;
    for (let i = 0; i < this.sets.length; i++) {
      const set = this.sets[i]!;
      const screen = set.screen;
      const at = this.points[i];
      let may = true;
      if (screen && at) {
        let next = ALL_MAY_MATCH;
        if (!at.all) {
          lowerName ??= name.toLowerCase();
          // A name whose length lower-casing changes is not screened, nor is anything under it.
          if (lowerName.length === name.length) {
            lower ??= this.lowerDir === '' ? lowerName : `${this.lowerDir}/${lowerName}`;
            may = screen.entryMayMatch(at, lowerName, relativeTo(set, lower));
            if (below) next = screen.below(at, lowerName, may);
          }
        }
        if (below) below[i] = next;
      }
      if (may) ignored = applySet(set, relativeTo(set, rel), isDir, ignored);
    }
    return ignored;
  }
}
