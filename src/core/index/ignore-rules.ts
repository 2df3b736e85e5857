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
}

function readRules(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export class IgnoreStack {
  private constructor(private readonly sets: readonly RuleSet[]) {}

  static forRoot(rootAbs: string): IgnoreStack {
    const texts = [readRules(join(rootAbs, '.git', 'info', 'exclude'))];
    for (const name of IGNORE_FILE_NAMES) texts.push(readRules(join(rootAbs, name)));
    const present = texts.filter((t): t is string => t !== undefined);
    return new IgnoreStack(present.length ? [{ base: '', rules: ignore({ allowRelativePaths: true }).add(present.join('\n')) }] : []);
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
    return new IgnoreStack([...this.sets, { base: dirRel, rules: ignore({ allowRelativePaths: true }).add(texts.join('\n')) }]);
  }

  /** `rel` is root-relative with `/` separators; directories are tested with `isDir`. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const set of this.sets) {
      const local = set.base === '' ? rel : rel.slice(set.base.length + 1);
      const r = set.rules.test(isDir ? local + '/' : local);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }
}
