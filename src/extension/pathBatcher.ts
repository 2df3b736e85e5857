// Collects changed file paths from the file watcher and hands them over in one batch after
// the changes stop for `delayMs` (a save-all or a branch switch is one re-index, not hundreds).
// Pure apart from timers, which are injectable for tests.

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class PathBatcher {
  private pending = new Set<string>();
  private handle: unknown;
  private firstAt = 0;

  /**
   * @param maxWaitMs flush at the latest this long after the first change, even if changes keep coming.
   */
  constructor(
    private readonly delayMs: number,
    private readonly flush: (paths: string[]) => void,
    private readonly maxWaitMs = delayMs * 10,
    private readonly timers: Timers = realTimers,
    private readonly now: () => number = Date.now,
  ) {}

  add(path: string): void {
    if (this.pending.size === 0) this.firstAt = this.now();
    this.pending.add(path);
    if (this.handle !== undefined) this.timers.clear(this.handle);
    const wait = Math.max(0, Math.min(this.delayMs, this.firstAt + this.maxWaitMs - this.now()));
    this.handle = this.timers.set(() => this.fire(), wait);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Flushes now (e.g. before a run starts, so it sees the latest files). */
  fire(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    if (this.pending.size === 0) return;
    const paths = [...this.pending].sort();
    this.pending.clear();
    this.flush(paths);
  }

  dispose(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.pending.clear();
  }
}
