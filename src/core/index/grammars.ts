// Finds and loads tree-sitter's runtime and grammars. In the shipped bundle they sit in
// `grammars/` next to the bundle (esbuild.mjs copies them); under tsx (tests, scripts) they are
// found in node_modules above this file. One resolver serves both.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import { canReadDirectly, type TreeRuntime } from './syntax-nodes';

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
/** The runtime compiled by the thread that started this one (see wasm-tiering.ts), if any. */
let compiledRuntime: WebAssembly.Module | undefined;
const languages = new Map<string, Promise<Language | undefined>>();

/** Has this thread instantiate the tree-sitter runtime from `module` instead of compiling its own. Call before the first load. */
export function useCompiledRuntime(module: WebAssembly.Module): void {
  compiledRuntime = module;
}

/**
 * The runtime's exports, for reading trees without web-tree-sitter's per-node objects
 * (syntax-nodes.ts), once init is done and if they can be read that way. Emscripten builds its
 * module object on the options given to init, so that object, after init, is the module.
 */
let runtimeModule: TreeRuntime | undefined;

export function treeRuntime(): TreeRuntime | undefined {
  return runtimeModule;
}

async function initRuntime(runtime: string): Promise<void> {
  const module = compiledRuntime;
  const options: Record<string, unknown> = { locateFile: () => runtime };
  // Emscripten's hook: it hands over its imports and takes the instance (and its module) back.
  if (module)
    options.instantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      receive(new WebAssembly.Instance(module, imports), module);
      return {};
    };
  await Parser.init(options as Parameters<typeof Parser.init>[0]);
  const initialised = options as Partial<TreeRuntime>; // now the Emscripten module (see runtimeModule)
  if (canReadDirectly(initialised)) runtimeModule = initialised;
}
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
    init ??= initRuntime(runtime);
    const ready = init;
    p = loading.then(() => ready).then(
      () => withSyncInstantiate(() => Language.load(readFileSync(join(grammars, `tree-sitter-${grammar}.wasm`)))),
    ).catch(() => undefined);
    loading = p;
    languages.set(grammar, p);
  }
  return p;
}

/**
 * Runs one grammar load with WebAssembly.instantiate(bytes) compiled synchronously. The async
 * compile that web-tree-sitter asks for queues behind V8's background tier-up of the grammars
 * already parsing (the big lexer functions take seconds): a grammar first needed mid-build
 * waited ~1 s for a compile that takes 5-25 ms when done at once (V8 compiles each function on
 * its first call anyway). The load runs from bytes in memory, in one chain of microtasks, so no
 * other code's instantiate falls inside the window; other kinds of call pass through.
 */
async function withSyncInstantiate<T>(load: () => Promise<T>): Promise<T> {
  const original = WebAssembly.instantiate;
  const sync = (source: unknown, imports?: WebAssembly.Imports) => {
    if (!(source instanceof Uint8Array || source instanceof ArrayBuffer)) return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
    const module = new WebAssembly.Module(source as BufferSource);
    return Promise.resolve({ module, instance: new WebAssembly.Instance(module, imports) });
  };
  WebAssembly.instantiate = sync as typeof WebAssembly.instantiate;
  try {
    return await load();
  } finally {
    WebAssembly.instantiate = original;
  }
}
