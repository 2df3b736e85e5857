// The walk as a feed: files come out in batches as the walk finds them, so a build indexes the
// first folders while the walk goes on.
import { EventChannel } from '../channel';
import { walkRoots, type WalkOptions, type WalkRoot, type WalkedFile } from './walk';

export class WalkFeed {
  private readonly channel = new EventChannel<WalkedFile>();
  private found = 0;
  /** Every file the walk found, in walk order, once it has ended. */
  readonly files: Promise<WalkedFile[]>;

  constructor(roots: readonly WalkRoot[], options: Omit<WalkOptions, 'onFile'>) {
    this.files = walkRoots(roots, {
      ...options,
      onFile: (f) => {
        this.found++;
        this.channel.push(f);
      },
    }).finally(() => this.channel.close());
    void this.files.catch(() => undefined); // batches() rethrows it; a caller that stops early may not get there
  }

  /** Files found so far. */
  get count(): number {
    return this.found;
  }

  /** True once the walk has ended. */
  get done(): boolean {
    return this.channel.isClosed;
  }

  /** The files found since the last batch, until the walk ends; then the walk's own failure, if any. */
  async *batches(): AsyncGenerator<WalkedFile[]> {
    yield* this.channel.batches();
    await this.files;
  }
}
