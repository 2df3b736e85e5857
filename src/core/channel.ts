// An unbounded single-consumer queue that turns pushes into an AsyncIterable. A run pushes
// events and the consumer (panel, CLI, test) pulls them; the index's walk pushes files and the
// build pulls them in batches. Once closed, pushes are dropped: that is what guarantees nothing
// follows `cancelled` or `run-finished`.
export class EventChannel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onConsumerGone: () => void = () => {}) {}

  /** False when the channel is closed and the item was dropped. */
  push(item: T): boolean {
    if (this.closed) return false;
    this.items.push(item);
    this.wakeUp();
    return true;
  }

  close(): void {
    this.closed = true;
    this.wakeUp();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /**
   * Everything pushed since the last batch, as one array, until the channel is closed: one
   * await per batch, not per item (the walk pushes tens of thousands of files).
   */
  async *batches(): AsyncGenerator<T[]> {
    try {
      for (;;) {
        if (this.head < this.items.length) {
          const batch = this.head === 0 ? this.items : this.items.slice(this.head);
          this.items = [];
          this.head = 0;
          yield batch;
          continue;
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The consumer stopped early (break, throw): stop what feeds it.
      if (!this.closed) this.onConsumerGone();
      this.closed = true;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.head < this.items.length) {
            const value = this.items[this.head++]!;
            // Drop consumed items now and then so a long run does not keep every event.
            if (this.head > 1024 && this.head * 2 > this.items.length) {
              this.items = this.items.slice(this.head);
              this.head = 0;
            }
            return { value, done: false };
          }
          if (this.closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        // The consumer stopped early (break, throw): stop the run behind it.
        if (!this.closed) this.onConsumerGone();
        this.closed = true;
        return { value: undefined, done: true };
      },
    };
  }
}
