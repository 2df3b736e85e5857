// How soon V8 optimises JavaScript in a process of our own that indexes. V8 counts the bytecode
// a function runs against a budget and, each time the budget is spent, may send the function to
// TurboFan, its optimising compiler, on a background thread. A cold index runs many different
// functions for a second or two in three isolates (the index's thread and two parse workers),
// and with V8's default budget (67,584 bytes of bytecode in Node 20) TurboFan compiled hundreds
// of them, some several times over (a new shape or a branch first taken after the compile throws
// the code away): on prettier/prettier (9.2k files, 2 cores) that was 23% of the index's CPU
// time, competing with the parse for the cores. Sixteen times the budget optimises only what
// stays hot: TurboFan fell to 6%, the cold `minions index` from 1.60 s to 1.46 s of wall clock
// and from 2.98 s to 2.63 s of CPU (median of 3 each; 4x, 8x and 32x the budget were between).
//
// V8 flags are process-wide: like the wasm tier (wasm-tiering.ts), only a caller that owns its
// process asks for this (the CLI, the MCP server, the extension host's parse processes).
import { setFlagsFromString } from 'node:v8';
import { chooseBaselineWasm } from './wasm-tiering';

/** 16x V8's default interrupt budget (`--interrupt-budget=67584` in Node 20's V8: bytecode run between checks). */
export const INDEX_INTERRUPT_BUDGET = 16 * 67_584;

let decided = false;

/** Called before a build's work starts (threads started afterwards share the flag); only the first call of a process acts. */
export function chooseLaterJit(): 'later' | 'already-decided' {
  if (decided) return 'already-decided';
  decided = true;
  setFlagsFromString(`--interrupt-budget=${INDEX_INTERRUPT_BUDGET}`);
  return 'later';
}

/** What a process of our own tells V8 before it indexes: the grammars' wasm at the baseline tier, its JavaScript optimised later. */
export function tuneOwnProcessForIndexing(): void {
  chooseBaselineWasm();
  chooseLaterJit();
}
