// Worker of index-limit.ts: bare tree-sitter parses, nothing else.
import { parentPort } from 'node:worker_threads';
import { Parser, loadLanguage } from '../../src/core/index/grammars';
import type { Language } from 'web-tree-sitter';

const languages = new Map<string, Language | undefined>();
parentPort!.on('message', async (m: { load?: string[]; files?: { grammar: string; text: string }[] }) => {
  if (m.load) {
    for (const g of m.load) languages.set(g, await loadLanguage(g));
    parentPort!.postMessage({ ok: true });
    return;
  }
  const parsers = new Map<string, InstanceType<typeof Parser>>();
  let bytes = 0;
  let errors = 0;
  for (const f of m.files ?? []) {
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
      // A grammar that traps (the index falls back to lines for such a file): fresh parser next time.
      parsers.delete(f.grammar);
      errors++;
    }
    bytes += f.text.length;
  }
  parentPort!.postMessage({ bytes, errors });
});
