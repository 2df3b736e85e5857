// How text becomes search terms, the same way for code, paths and questions: identifiers are
// kept whole and also split into their words (`parseHTTPResponse` -> parsehttpresponse, parse,
// http, response; `max_file_bytes` -> max_file_bytes, max, file, bytes), lower-cased, with a
// light plural stemmer so "reports" finds `report`. Very common English and keyword noise is dropped.

const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so such than that the their them then there these they this those to too us was we ' +
    'were what when where which while who why will with would you your also just like only very get got use used ' +
    'using should want need one two any all some more most other same here now out up way see seems still ' +
    // keywords that carry no meaning of their own in ranking
    'self def return import const let var function class public private protected static void new else elif ' +
    'true false none null undefined end fn func pass').split(' '),
);

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/** What counts as an identifier (for callers that scan text themselves). */
export const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/;

export function stem(word: string): string {
  const n = word.length;
  if (n > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (n > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

/** Words of one identifier: camelCase, PascalCase, ACRONYMCase, snake_case, kebab, digits. */
export function splitIdentifier(ident: string): string[] {
  return ident
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])/)
    .filter((w) => w.length > 0);
}

function keep(term: string): boolean {
  return term.length >= 2 && term.length <= 48 && !STOP.has(term);
}

/** Terms of one identifier; memoised, because code repeats the same identifiers endlessly. */
const identTerms = new Map<string, readonly string[]>();
const IDENT_CACHE_MAX = 500_000;

export function termsOfIdentifier(ident: string): readonly string[] {
  let terms = identTerms.get(ident);
  if (terms) return terms;
  const parts = splitIdentifier(ident);
  if (parts.length <= 1) {
    const t = stem(ident.toLowerCase().replace(/^[_$]+|[_$]+$/g, ''));
    terms = keep(t) ? [t] : [];
  } else {
    const out: string[] = [];
    const whole = ident.toLowerCase();
    if (keep(whole)) out.push(whole);
    for (const p of parts) {
      const t = stem(p.toLowerCase());
      if (keep(t)) out.push(t);
    }
    terms = out;
  }
  if (identTerms.size >= IDENT_CACHE_MAX) identTerms.clear();
  identTerms.set(ident, terms);
  return terms;
}

/** Calls `emit` for every term of `text`, whole identifiers and their parts. */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(text); m; m = IDENT.exec(text)) {
    const ident = m[0];
    if (ident.length > 96) continue; // base64 blobs and the like
    const terms = termsOfIdentifier(ident);
    for (let i = 0; i < terms.length; i++) emit(terms[i]!);
  }
}

/** Term -> count. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  forEachTerm(text, (t) => counts.set(t, (counts.get(t) ?? 0) + 1));
  return counts;
}

export function termSet(text: string): Set<string> {
  const s = new Set<string>();
  forEachTerm(text, (t) => s.add(t));
  return s;
}
