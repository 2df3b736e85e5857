// Paces a background index build so the editor stays responsive: the build works in short
// slices and yields between them, pauses while the user types (until a quiet moment), and runs
// one slice in ten while a task (a build, a test run) is executing. When someone waits for the
// index (a question), `hurry()` lifts all of it. It also measures what the extension host felt:
// the event-loop delay while the build ran.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';

/** No edit for this long and the user has stopped typing. */
const TYPING_QUIET_MS = 1000;
/** Pause after each slice while a task runs (a slice is ~8 ms: about one tenth of the time). */
const TASK_PAUSE_MS = 72;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class IndexPacer implements vscode.Disposable {
  private lastEdit = 0;
  private urgent = false;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly subscription: vscode.Disposable;

  constructor(private readonly signal: AbortSignal) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.lastEdit = Date.now();
    });
    this.histogram.enable();
  }

  /** Someone waits for the index now: full speed from here on. */
  hurry(): void {
    this.urgent = true;
  }

  /** Passed to the index as its `pace` option. */
  readonly pace = async (): Promise<void> => {
    while (!this.urgent && !this.signal.aborted && Date.now() - this.lastEdit < TYPING_QUIET_MS) await sleep(TYPING_QUIET_MS / 4);
    if (!this.urgent && !this.signal.aborted && vscode.tasks.taskExecutions.length > 0) await sleep(TASK_PAUSE_MS);
    else await nextTurn();
  };

  /** The extension host's event-loop delay while the build ran. */
  loopDelay(): LoopDelay {
    const h = this.histogram;
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
  }

  dispose(): void {
    this.histogram.disable();
    this.subscription.dispose();
  }
}
