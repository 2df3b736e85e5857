// Maps a file name to the language the chunker and the repository map use. `grammar` names the
// tree-sitter grammar (tree-sitter-<grammar>.wasm) when the language is parsed for syntax chunks.

export interface LanguageInfo {
  readonly id: string;
  readonly grammar?: string;
}

const BY_EXTENSION: Record<string, LanguageInfo> = {};
function add(id: string, grammar: string | undefined, exts: string[]): void {
  for (const e of exts) BY_EXTENSION[e] = grammar ? { id, grammar } : { id };
}

add('typescript', 'typescript', ['ts', 'mts', 'cts']);
add('typescriptreact', 'tsx', ['tsx']);
add('javascript', 'javascript', ['js', 'mjs', 'cjs', 'jsx']);
add('python', 'python', ['py', 'pyi', 'pyw']);
add('go', 'go', ['go']);
add('rust', 'rust', ['rs']);
add('java', 'java', ['java']);
add('c', 'c', ['c', 'h']);
add('cpp', 'cpp', ['cc', 'cpp', 'cxx', 'c++', 'hh', 'hpp', 'hxx', 'h++', 'ipp', 'inl']);
add('csharp', 'c_sharp', ['cs']);
add('ruby', 'ruby', ['rb', 'rake', 'gemspec']);
add('php', 'php', ['php', 'phtml']);
add('kotlin', 'kotlin', ['kt', 'kts']);
add('swift', 'swift', ['swift']);
add('shellscript', 'bash', ['sh', 'bash', 'zsh']);
add('markdown', undefined, ['md', 'markdown', 'mdx']);
add('json', undefined, ['json', 'jsonc', 'json5']);
add('yaml', undefined, ['yml', 'yaml']);
add('toml', undefined, ['toml']);
add('html', undefined, ['html', 'htm']);
add('css', undefined, ['css', 'scss', 'less']);
add('xml', undefined, ['xml', 'svg']);
add('sql', undefined, ['sql']);
add('restructuredtext', undefined, ['rst']);
add('asciidoc', undefined, ['adoc', 'asciidoc', 'asc']);
add('org', undefined, ['org']);
add('plaintext', undefined, ['txt', 'text']);
add('pdf', undefined, ['pdf']);
add('jupyter', undefined, ['ipynb']);
add('ini', undefined, ['ini', 'cfg', 'conf']);
add('lua', undefined, ['lua']);
add('scala', undefined, ['scala']);
add('dart', undefined, ['dart']);
add('vue', undefined, ['vue']);
add('svelte', undefined, ['svelte']);

const BY_NAME: Record<string, LanguageInfo> = {
  makefile: { id: 'makefile' },
  dockerfile: { id: 'dockerfile' },
  gemfile: { id: 'ruby', grammar: 'ruby' },
  rakefile: { id: 'ruby', grammar: 'ruby' },
};

const TEXT: LanguageInfo = { id: 'text' };

export function languageOf(path: string): LanguageInfo {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const named = BY_NAME[base];
  if (named) return named;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return TEXT;
  return BY_EXTENSION[base.slice(dot + 1)] ?? TEXT;
}

/** Every grammar the chunker may ask for (esbuild.mjs ships the same list). */
export const GRAMMAR_NAMES: readonly string[] = [...new Set(Object.values(BY_EXTENSION).flatMap((l) => (l.grammar ? [l.grammar] : [])))];
