// Whether V8 should optimise the grammars' wasm for this process. V8 runs wasm first with its
// baseline compiler (Liftoff) and recompiles hot functions with its optimising one (TurboFan) in
// the background. For tree-sitter that means the grammars' giant lexer functions: 3-5 s of CPU
// for the JavaScript/TypeScript grammars, paid by every new process. Optimised code parses ~1.6x
// faster, so the compile pays off only past roughly 12 MB of code to parse; a cold index of a
// 10k-file repository (4 MB of JS/TS) finished 1.5x sooner without it (6.0-6.9 s -> 3.9-4.7 s
// through `minions index` on prettier/prettier, 2 cores).
//
// V8 flags are process-wide, so only a caller that owns its process asks for this (the CLI and
// the MCP server do; the extension host is shared with other extensions and never does).
import { setFlagsFromString } from 'node:v8';

/** Code to parse below which a fresh process skips optimising the grammars. */
export const BASELINE_WASM_BELOW_BYTES = 12 * 1024 * 1024;

let decided = false;

/** Whether this process has chosen already (a later build's code cannot change it). */
export function wasmTieringDecided(): boolean {
  return decided;
}

/**
 * Called before a build's first grammar is compiled, with the bytes of code about to be parsed
 * (only the first build of the process chooses: later ones cannot change the flag). Returns the
 * choice made (for logs and tests).
 */
export function chooseWasmTiering(codeBytes: number): 'baseline' | 'optimising' | 'already-decided' {
  if (decided) return 'already-decided';
  decided = true;
  if (codeBytes >= BASELINE_WASM_BELOW_BYTES) return 'optimising';
  setFlagsFromString('--liftoff-only');
  return 'baseline';
}
