// Worker of index-limit.ts: bare tree-sitter parses, nothing else.
import { parentPort } from 'node:worker_threads';
import { loadLanguage } from '../../src/core/index/grammars';
import { bareParse } from './bare-parse';
import type { Language } from 'web-tree-sitter';

const languages = new Map<string, Language | undefined>();
parentPort!.on('message', async (m: { load?: string[]; files?: { grammar: string; text: string }[] }) => {
  if (m.load) {
    for (const g of m.load) languages.set(g, await loadLanguage(g));
    parentPort!.postMessage({ ok: true });
    return;
  }
  const files = m.files ?? [];
  const errors = bareParse(files, languages);
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  parentPort!.postMessage({ bytes, errors });
});
