// The bare tree-sitter parse the index limit is measured with, on the main thread
// (index-limit.ts) and on workers (index-limit-worker.ts): parse and free, nothing else.
import type { Language } from 'web-tree-sitter';
import { Parser } from '../../src/core/index/grammars';

/** Parses every text with its grammar; returns how many a grammar trapped on (the index chunks those by lines). */
export function bareParse(texts: readonly { grammar: string; text: string }[], languages: ReadonlyMap<string, Language | undefined>): number {
  const parsers = new Map<string, InstanceType<typeof Parser>>();
  let errors = 0;
  for (const f of texts) {
    const lang = languages.get(f.grammar);
    if (!lang) continue;
    let p = parsers.get(f.grammar);
    if (!p) {
      p = new Parser();
      p.setLanguage(lang);
      parsers.set(f.grammar, p);
    }
    try {
      p.parse(f.text)?.delete();
    } catch {
      parsers.delete(f.grammar); // a grammar that traps: fresh parser next time
      errors++;
    }
  }
  return errors;
}
