// The walk as a feed: files come out in batches as the walk finds them, so a build indexes the
// first folders while the walk goes on. `found` holds every file found so far, in walk order.
import { walkRoots, type WalkOptions, type WalkRoot, type WalkedFile } from './walk';

export class WalkFeed {
  readonly found: WalkedFile[] = [];
  private finished = false;
  private wake: (() => void) | undefined;
  private readonly walking: Promise<WalkedFile[]>;

  constructor(roots: readonly WalkRoot[], options: Omit<WalkOptions, 'onFile'>) {
    this.walking = walkRoots(roots, {
      ...options,
      onFile: (f) => {
        this.found.push(f);
        this.nudge();
      },
    }).finally(() => {
      this.finished = true;
      this.nudge();
    });
    void this.walking.catch(() => undefined); // batches() rethrows it; a caller that stops early may not get there
  }

  /** True once the walk has ended: `found` is then complete. */
  get done(): boolean {
    return this.finished;
  }

  private nudge(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The files found since the last batch, until the walk ends; then the walk's own failure, if any. */
  async *batches(): AsyncGenerator<WalkedFile[]> {
    let next = 0;
    for (;;) {
      if (next < this.found.length) {
        const batch = this.found.slice(next);
        next = this.found.length;
        yield batch;
        continue;
      }
      if (this.finished) break;
      await new Promise<void>((r) => (this.wake = r));
    }
    await this.walking;
  }
}
