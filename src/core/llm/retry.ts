// Bounded retries with exponential backoff that honour the server's `retry-after`.
// The clients classify each failure; this module only decides whether and how long to wait.
import type { MinionsError } from '../errors';
import { sleep } from './abort';

export interface RetryPolicy {
  /** Extra attempts after the first (0 = never retry). */
  retries: number;
  /** First backoff; doubles each attempt (with jitter). */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
  /** A `retry-after` longer than this is not waited out: the error is returned to the user instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/** A classified failure: the user-facing error, whether trying again can help, and the server's requested wait. */
export interface Classified {
  error: MinionsError;
  retryable: boolean;
  retryAfterMs?: number;
}

/** `retry-after-ms` (OpenAI), then `retry-after` as seconds or an HTTP date. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = policy.baseDelayMs * 2 ** attempt;
  return Math.min(policy.maxDelayMs, exp * (0.75 + random() * 0.5));
}

/**
 * Runs `attempt` until it succeeds, the failure is not retryable, or the retries are spent.
 * `classify` turns whatever was thrown into a Classified failure.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  classify: (err: unknown) => Classified,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const c = classify(err);
      if (!c.retryable || n >= policy.retries || c.error.code === 'cancelled') throw c.error;
      if (c.retryAfterMs !== undefined && c.retryAfterMs > policy.maxRetryAfterMs) throw c.error;
      const wait = c.retryAfterMs !== undefined ? c.retryAfterMs : backoffDelay(n, policy);
      await sleep(wait, signal);
    }
  }
}
