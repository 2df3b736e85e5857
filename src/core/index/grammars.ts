// Finds and loads tree-sitter's runtime and grammars. In the shipped bundle they sit in
// `grammars/` next to the bundle (esbuild.mjs copies them); under tsx (tests, scripts) they are
// found in node_modules above this file. One resolver serves both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

// Loaded with require() on purpose: a bundler then picks web-tree-sitter's CommonJS build, whose
// ESM build reads `import.meta.url`, which is empty in our CommonJS bundles.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Parser, Language } = require('web-tree-sitter') as typeof TreeSitter;
type Language = TreeSitter.Language;

let cachedDir: { runtime: string; grammars: string } | undefined;

export function locateGrammars(): { runtime: string; grammars: string } {
  if (cachedDir) return cachedDir;
  const bundled = join(__dirname, 'grammars');
  if (existsSync(join(bundled, 'tree-sitter.wasm'))) return (cachedDir = { runtime: join(bundled, 'tree-sitter.wasm'), grammars: bundled });
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const nm = join(dir, 'node_modules');
    const runtime = join(nm, 'web-tree-sitter', 'tree-sitter.wasm');
    const grammars = join(nm, 'tree-sitter-wasms', 'out');
    if (existsSync(runtime) && existsSync(grammars)) return (cachedDir = { runtime, grammars });
    if (dirname(dir) === dir) break;
  }
  throw new Error(`tree-sitter grammars not found next to ${__dirname} nor in a node_modules above it`);
}

let init: Promise<void> | undefined;
const languages = new Map<string, Promise<Language | undefined>>();
/**
 * Grammar loads run one at a time per thread. web-tree-sitter links each grammar's wasm into one
 * shared module; two loads in flight at once can resolve each other's symbols ("bad export type
 * for 'tree_sitter_typescript_external_scanner_create'"), seen when a fresh worker's first batch
 * needed two grammars on a busy machine.
 */
let loading: Promise<unknown> = Promise.resolve();

/** Loads a grammar once per thread; undefined when it cannot be loaded (the file is then line-chunked). */
export function loadLanguage(grammar: string): Promise<Language | undefined> {
  let p = languages.get(grammar);
  if (!p) {
    const { runtime, grammars } = locateGrammars();
    init ??= Parser.init({ locateFile: () => runtime });
    const ready = init;
    p = loading.then(() => ready).then(
      () => Language.load(join(grammars, `tree-sitter-${grammar}.wasm`)),
    ).catch(() => undefined);
    loading = p;
    languages.set(grammar, p);
  }
  return p;
}
