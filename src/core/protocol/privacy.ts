// Strict privacy: what a worker wrote may quote the code it read. Before any of it goes to the
// remote, every code span and every copied source line is replaced, so only the workers' own
// words, paths and line numbers remain.

const WITHHELD = '[code withheld]';

/** Lines worth scrubbing: long enough to identify code (a lone `}` or `else` identifies nothing). */
function meaningfulLines(source: string): string[] {
  const out = new Set<string>();
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length >= 8 && /[A-Za-z0-9]/.test(line)) out.add(line);
  }
  // Longest first, so a line that contains a shorter one is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Removes code spans and any line of `sources` from `text`. */
export function scrubSource(text: string, sources: readonly string[]): string {
  let out = text.replace(/```[\s\S]*?(```|$)/g, WITHHELD).replace(/`[^`\n]*`/g, WITHHELD);
  for (const source of sources) {
    for (const line of meaningfulLines(source)) {
      if (out.includes(line)) out = out.split(line).join(WITHHELD);
    }
  }
  return out;
}
