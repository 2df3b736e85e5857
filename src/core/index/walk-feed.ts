// The walk as a feed: files come out in batches as the walk finds them, so a build indexes the
// first folders while the walk goes on. The walk runs on the index's thread, or on one of its own
// (walk-thread.ts) when it is started before a long cache load.
import { EventChannel } from '../channel';
import { walkRoots, type WalkOptions, type WalkRoot, type WalkedFile } from './walk';
import { walkInThread } from './walk-thread';

export class WalkFeed {
  private readonly channel = new EventChannel<WalkedFile>();
  private readonly stopper = new AbortController();
  private found = 0;
  private skips = 0;
  /** Every file the walk found, in walk order, once it has ended. */
  readonly files: Promise<WalkedFile[]>;

  constructor(
    roots: readonly WalkRoot[],
    options: Omit<WalkOptions, 'onFile'>,
    /** Walk on a thread of its own (see walk-thread.ts). */
    onThread = false,
  ) {
    // stop() ends the walk as a cancellation does.
    const outer = options.signal;
    const forward = () => this.stopper.abort(outer?.reason);
    if (outer?.aborted) forward();
    else outer?.addEventListener('abort', forward, { once: true });
    const walk = onThread ? walkInThread : walkRoots;
    this.files = walk(roots, {
      ...options,
      signal: this.stopper.signal,
      onSkip: (path, reason) => {
        this.skips++;
        options.onSkip?.(path, reason);
      },
      onFile: (f) => {
        this.found++;
        this.channel.push(f);
      },
    }).finally(() => {
      outer?.removeEventListener('abort', forward);
      this.channel.close();
    });
    void this.files.catch(() => undefined); // batches() rethrows it; a caller that stops early may not get there
  }

  /** Files found so far. */
  get count(): number {
    return this.found;
  }

  /** Files the walk left out so far (ignored, secret, binary, too large, ...). */
  get skipped(): number {
    return this.skips;
  }

  /** True once the walk has ended. */
  get done(): boolean {
    return this.channel.isClosed;
  }

  /** Ends a walk nobody will read (its thread, if it has one, stops). */
  stop(): void {
    this.stopper.abort();
  }

  /** The files found since the last batch, until the walk ends; then the walk's own failure, if any. */
  async *batches(): AsyncGenerator<WalkedFile[]> {
    yield* this.channel.batches();
    await this.files;
  }
}
