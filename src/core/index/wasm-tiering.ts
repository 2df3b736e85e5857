// Whether V8 optimises the grammars' wasm in this process. V8 runs wasm first with its baseline
// compiler (Liftoff) and recompiles hot functions with its optimising one (TurboFan) in the
// background. For tree-sitter's grammars that means their giant lexer functions: 3-5 s of CPU
// for the JavaScript/TypeScript grammars, paid by every new process, competing with the parse
// workers and the index's own thread for the cores. On 2 cores that compile never paid for
// itself in a cold `minions index`:
//   - prettier/prettier (9.2k files, 4 MB of code): 6.0-6.9 s optimising, 3.4-4.9 s baseline;
//   - a 92k-file tree with 166 MB of JS/TS: a tie (34.5 vs 34.7 s, median of 3 each, the index's
//     own thread being the bottleneck there), and peak RSS 1.10-1.16 GB optimising against
//     0.95-1.02 GB baseline (the compiler's memory and the optimised code).
// tree-sitter's runtime (tree-sitter.wasm: the parser's stack, trees, the lexer's driver) is a
// different matter: small functions, cheap to optimise, where much of a parse's time goes. V8
// decides a module's tier when it compiles it, so the runtime is compiled here first, before the
// baseline flag is set, and the parse workers instantiate that module instead of compiling their
// own (grammars.ts, useCompiledRuntime). A bare single-threaded parse of prettier's code in a
// fresh process, median of 2: 2.2 s of CPU (runtime optimised, grammars baseline) against
// 3.2 s (everything baseline) and 5.6 s (everything optimising).
// So a process of our own (the CLI, the MCP server) keeps the grammars at the baseline tier for
// good. Trees with far more code than that were not measured; there optimising may win again.
//
// V8 flags are process-wide, so only a caller that owns its process asks for this (the CLI and
// the MCP server do; the extension host is shared with other extensions and never does).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { locateGrammars, useCompiledRuntime } from './grammars';

let decided = false;
let runtime: WebAssembly.Module | undefined;

/**
 * Called before a build's first grammar is compiled; only the first call of a process sets the
 * flag (a grammar compiled already keeps its tier). Returns what it did (for logs and tests).
 */
export function chooseBaselineWasm(): 'baseline' | 'already-decided' {
  if (decided) return 'already-decided';
  decided = true;
  try {
    runtime = new WebAssembly.Module(readFileSync(locateGrammars().runtime));
    useCompiledRuntime(runtime); // this thread's own parses, if any, use it too
  } catch {
    runtime = undefined; // the workers compile their own (the grammar loader reports a missing runtime)
  }
  setFlagsFromString('--liftoff-only');
  return 'baseline';
}

/** The tree-sitter runtime compiled before the baseline choice, for parse workers to instantiate; undefined until then. */
export function optimisedRuntime(): WebAssembly.Module | undefined {
  return runtime;
}
