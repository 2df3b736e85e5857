// Cancellation and waiting helpers shared by the model clients and the engine.
import { MinionsError } from '../errors';

/** One signal that aborts when any of the given ones does (undefined entries are ignored). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0]!;
  return AbortSignal.any(present);
}

export function cancelledError(cause?: unknown): MinionsError {
  return new MinionsError('cancelled', 'The run was cancelled', undefined, cause === undefined ? undefined : { cause });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(signal.reason);
}

/** Resolves after `ms`, or rejects with a `cancelled` MinionsError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A per-attempt controller: aborts when the caller's signal does, or when `timeoutMs` passes.
 * `timedOut` tells the two apart so a timeout maps to a timeout error, not a cancellation.
 * `touch()` restarts the clock, which turns the timeout into an idle (no bytes) timeout for streams.
 */
export class AttemptController {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  timedOut = false;
  private readonly onOuterAbort = () => this.controller.abort(this.outer?.reason);

  constructor(private readonly outer: AbortSignal | undefined, private readonly timeoutMs: number) {
    if (outer?.aborted) this.controller.abort(outer.reason);
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelledByCaller(): boolean {
    return this.outer?.aborted === true;
  }

  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}
