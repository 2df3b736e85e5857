// The plain baseline bench:search compares against: whole-file BM25 with the simplest
// tokenizer (lower-cased \w+ words, no identifier splitting, no stemming, no fields).
const WORD = /\w+/g;

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export class WholeFileBm25 {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[] = [];
  private readonly paths: string[] = [];
  private totalLength = 0;

  add(path: string, text: string): void {
    const doc = this.paths.length;
    this.paths.push(path);
    const counts = new Map<string, number>();
    const ws = words(text);
    for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const [w, tf] of counts) {
      let list = this.postings.get(w);
      if (!list) this.postings.set(w, (list = []));
      list.push({ doc, tf });
    }
    this.lengths.push(ws.length);
    this.totalLength += ws.length;
  }

  search(query: string, top: number): string[] {
    const n = this.paths.length;
    const avg = this.totalLength / Math.max(1, n);
    const scores = new Float64Array(n);
    for (const w of new Set(words(query))) {
      const list = this.postings.get(w);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) scores[doc] = scores[doc]! + (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * this.lengths[doc]!) / avg));
    }
    return [...scores.keys()]
      .filter((d) => scores[d]! > 0)
      .sort((a, b) => scores[b]! - scores[a]! || (this.paths[a]! < this.paths[b]! ? -1 : 1))
      .slice(0, top)
      .map((d) => this.paths[d]!);
  }
}
