// How far a build reads ahead of the parse workers: enough files in flight to fill the pool's
// batches, at most so many bytes of text held meanwhile, a yield to the event loop now and then
// (the host stays responsive, a cancellation is seen) and the caller's pacing between slices.
import { checkAborted, yieldToLoop } from './walk';
import { PACE_SLICE_MS } from './options';

export interface ReadAheadLimits {
  files: number;
  bytes: number;
  signal?: AbortSignal;
  /** Awaited between slices of PACE_SLICE_MS (a background build yields to the editor). */
  pace?: () => Promise<void>;
}

/** Files started in one go between yields when no limit is reached. */
const STARTS_PER_YIELD = 32;
/** Files that need no work (see pass()) between yields: each costs a map lookup, not a read. */
const PASSES_PER_YIELD = 1024;

export class ReadAhead {
  private readonly inFlight = new Set<Promise<void>>();
  private bytes = 0;
  private sinceYield = 0;
  private passesSinceYield = 0;
  private sliceStart = performance.now();

  constructor(private readonly limits: ReadAheadLimits) {}

  /** Starts one file's work (`size` bytes of it held until done); returns once there is room for the next. */
  async add(size: number, work: () => Promise<void>): Promise<void> {
    checkAborted(this.limits.signal);
    this.bytes += size;
    const p = work().finally(() => {
      this.bytes -= size;
      this.inFlight.delete(p);
    });
    this.inFlight.add(p);
    void p.catch(() => undefined); // seen through add() or drain(), whichever waits on it
    if (this.inFlight.size >= this.limits.files || this.bytes >= this.limits.bytes) await Promise.race(this.inFlight); // a failed file fails the build
    else if (++this.sinceYield >= STARTS_PER_YIELD) {
      this.sinceYield = 0;
      await yieldToLoop();
    }
    const paced = this.paced();
    if (paced) await paced;
  }

  /**
   * A file that needs no work (unchanged since the cache): it takes no slot, and no await unless
   * a yield or the pacing is due (then the promise to wait for). A reopen meets little else: on
   * prettier/prettier, add()'s promises for its 9.2k unchanged files were ~8% of a warm reopen.
   */
  pass(): Promise<void> | undefined {
    if (++this.passesSinceYield < PASSES_PER_YIELD) return undefined;
    this.passesSinceYield = 0;
    checkAborted(this.limits.signal);
    return yieldToLoop().then(() => this.paced());
  }

  /** The caller's pacing, when a slice of work has passed (the promise to wait for), else undefined. */
  private paced(): Promise<void> | undefined {
    const pace = this.limits.pace;
    if (!pace || performance.now() - this.sliceStart < PACE_SLICE_MS) return undefined;
    return pace().then(() => {
      this.sliceStart = performance.now();
    });
  }

  /** Waits for everything started; the first failure rejects. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
