// Typed errors at the core's boundaries. Every error a user can meet carries what happened
// (message) and what to do (hint), so the CLI, the panel and notifications can show both
// without string matching.

export type ErrorCode =
  | 'workspace-missing'
  | 'file-unreadable'
  | 'index-cancelled'
  | 'local-unreachable'
  | 'local-model-missing'
  | 'local-bad-output'
  | 'local-timeout'
  | 'local-truncated'
  | 'remote-unreachable'
  | 'remote-key-missing'
  | 'remote-key-rejected'
  | 'remote-model-missing'
  | 'remote-rate-limited'
  | 'remote-bad-output'
  | 'remote-timeout'
  | 'remote-refused'
  | 'context-too-long'
  | 'budget-exceeded'
  | 'reasoning-exhausted'
  | 'server-error'
  | 'cancelled'
  | 'bad-input'
  | 'internal';

export class MinionsError extends Error {
  override readonly name = 'MinionsError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do about it, one sentence. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** "what happened. what to do." — the one-line form used by the CLI and notifications. */
  toUserString(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint ? { code: this.code, message: this.message, hint: this.hint } : { code: this.code, message: this.message };
  }
}

export function isCancellation(err: unknown): boolean {
  if (err instanceof MinionsError) return err.code === 'cancelled' || err.code === 'index-cancelled';
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError');
}

/** Wraps anything thrown into a MinionsError without losing the original as `cause`. */
export function toMinionsError(err: unknown, fallbackCode: ErrorCode = 'internal'): MinionsError {
  if (err instanceof MinionsError) return err;
  if (isCancellation(err)) return new MinionsError('cancelled', 'The run was cancelled', undefined, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new MinionsError(fallbackCode, message, undefined, { cause: err });
}
