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
const IDENT_CACHE_MAX = 100_000;

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
    // At most 15 terms per identifier (the lexical index packs the count in 4 bits).
    terms = out.length > 15 ? out.slice(0, 15) : out;
  }
  if (identTerms.size >= IDENT_CACHE_MAX) identTerms.clear();
  identTerms.set(ident, terms);
  return terms;
}

/** Longer "identifiers" are base64 blobs and the like. */
const MAX_IDENTIFIER = 96;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * Calls `emit` for every identifier of `text` (ASCII `[A-Za-z_$][A-Za-z0-9_$]*`, at most 96
 * characters). A hand-written scanner: the regex equivalent allocates a match per identifier.
 */
export function scanIdentifiers(text: string, emit: (ident: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isIdentStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isIdentPart(text.charCodeAt(j))) j++;
    if (j - i <= MAX_IDENTIFIER) emit(text.slice(i, j));
    i = j;
  }
}

/** Calls `emit` for every term of `text`, whole identifiers and their parts. */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  scanIdentifiers(text, (ident) => {
    const terms = termsOfIdentifier(ident);
    for (let i = 0; i < terms.length; i++) emit(terms[i]!);
  });
}

/**
 * Distinct identifiers, each mapped once to its term ids by the lexical index, which keeps that
 * mapping on the table (`resolved`). A file's own, or shared by the files of one parse batch:
 * files of one project repeat each other's identifiers (2.3x fewer distinct identifiers per
 * batch of 64 than per file, on prettier and on a node_modules).
 */
export interface IdentTable {
  readonly idents: readonly string[];
  resolved?: { readonly owner: object; readonly ids: Int32Array; readonly start: Uint32Array };
}

/**
 * The identifiers of each chunk of a file, compactly: distinct identifiers once, and per chunk
 * the indices of its identifier occurrences. Computed in the parse worker so the main thread only
 * maps each distinct identifier to its terms.
 */
export interface ChunkIdentifiers {
  table: IdentTable;
  /** The file's distinct identifiers as indices into a shared `table`; absent when the table is the file's own. */
  refs?: Uint32Array;
  /** Occurrences of all chunks, concatenated: indices into the file's distinct identifiers. */
  occurrences: Uint32Array;
  /** Chunk c's occurrences are offsets[c]..offsets[c+1]. */
  offsets: Uint32Array;
}

export function identifiersOfChunks(texts: readonly string[]): ChunkIdentifiers {
  const index = new Map<string, number>();
  const idents: string[] = [];
  let occ = new Uint32Array(1024);
  let n = 0;
  const offsets = new Uint32Array(texts.length + 1);
  for (let c = 0; c < texts.length; c++) {
    offsets[c] = n;
    scanIdentifiers(texts[c]!, (ident) => {
      let k = index.get(ident);
      if (k === undefined) {
        k = idents.length;
        index.set(ident, k);
        idents.push(ident);
      }
      if (n === occ.length) {
        const bigger = new Uint32Array(n * 2);
        bigger.set(occ);
        occ = bigger;
      }
      occ[n++] = k;
    });
  }
  offsets[texts.length] = n;
  return { table: { idents }, occurrences: occ.slice(0, n), offsets };
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
