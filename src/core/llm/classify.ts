// Turns what the HTTP clients throw into user-facing MinionsErrors, and says which failures are
// worth another attempt. One place, so the Ollama and OpenAI-compatible clients (in either
// role) speak with the same words.
import { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from 'openai';
import { MinionsError, type ErrorCode } from '../errors';
import type { Role } from './types';
import { parseRetryAfter, type Classified } from './retry';
import { cancelledError } from './abort';

export interface CallContext {
  role: Role;
  provider: 'ollama' | 'openai-compatible';
  url: string;
  model: string;
  timeoutMs: number;
  /** Whether our own per-attempt timer fired (a timeout, not a cancellation). */
  timedOut: boolean;
  /** Whether the caller's signal fired. */
  cancelled: boolean;
}

/** Network error codes somewhere in an error's `cause` chain (fetch wraps them twice). */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function code(role: Role, kind: 'unreachable' | 'model-missing' | 'bad-output' | 'timeout'): ErrorCode {
  return `${role}-${kind}` as ErrorCode;
}

function who(ctx: CallContext): string {
  if (ctx.provider === 'ollama') return `Ollama at ${ctx.url}`;
  return ctx.role === 'remote' ? `The remote API at ${ctx.url}` : `The local server at ${ctx.url}`;
}

function unreachable(ctx: CallContext, err: unknown, detail: string): MinionsError {
  const hint = ctx.provider === 'ollama'
    ? 'Start it with `ollama serve` (or install it from ollama.com), or set the right URL in the local model settings'
    : ctx.role === 'remote'
      ? 'Check the remote URL setting and your network connection'
      : 'Start the local server, or set the right URL in the local model settings';
  return new MinionsError(code(ctx.role, 'unreachable'), `Cannot reach ${who(ctx)} (${detail})`, hint, { cause: err });
}

function timeout(ctx: CallContext, err: unknown): MinionsError {
  const secs = Math.round(ctx.timeoutMs / 1000);
  const hint = ctx.role === 'local'
    ? 'The machine may be busy or the model too big: raise the local timeout, lower the parallel jobs, or use a smaller model'
    : 'The remote may be overloaded: try again, or raise the remote timeout';
  return new MinionsError(code(ctx.role, 'timeout'), `${who(ctx)} did not answer within ${secs} s`, hint, { cause: err });
}

/** Connection-level failures that a retry cannot fix (nothing is listening, the name does not resolve). */
const PERMANENT_NET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyOllama(err: unknown, ctx: CallContext): Classified {
  if (err instanceof MinionsError) return { error: err, retryable: false };
  if (ctx.cancelled) return { error: cancelledError(err), retryable: false };
  if (ctx.timedOut) return { error: timeout(ctx, err), retryable: true };
  const status = (err as { status_code?: unknown }).status_code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') {
    if (status === 404) {
      return {
        error: new MinionsError('local-model-missing', `Model "${ctx.model}" is not installed in ${who(ctx)}`,
          `Pull it with \`ollama pull ${ctx.model}\` (or the setup command), or choose an installed model`, { cause: err }),
        retryable: false,
      };
    }
    if (status >= 500 || status === 429 || status === 408) {
      return { error: new MinionsError('server-error', `${who(ctx)} failed (${status}: ${message})`, 'It may be restarting or out of memory: try again, or use a smaller model', { cause: err }), retryable: true };
    }
    return { error: new MinionsError('server-error', `${who(ctx)} refused the request (${status}: ${message})`, 'Update Ollama to a recent version', { cause: err }), retryable: false };
  }
  const net = networkCode(err);
  if (net) return { error: unreachable(ctx, err, net), retryable: !PERMANENT_NET.has(net) };
  if (err instanceof SyntaxError || /json/i.test(message)) {
    return { error: new MinionsError('local-bad-output', `${who(ctx)} sent a response that is not valid JSON`, 'Update Ollama, or check that the URL points at Ollama', { cause: err }), retryable: true };
  }
  if (/fetch failed|socket|terminated|network/i.test(message)) return { error: unreachable(ctx, err, message), retryable: true };
  return { error: new MinionsError('internal', `${who(ctx)}: ${message}`, undefined, { cause: err }), retryable: false };
}

function apiMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : err.message;
}

export function classifyOpenAI(err: unknown, ctx: CallContext): Classified {
  if (err instanceof MinionsError) return { error: err, retryable: false };
  if (ctx.cancelled) return { error: cancelledError(err), retryable: false };
  if (ctx.timedOut || err instanceof APIConnectionTimeoutError) return { error: timeout(ctx, err), retryable: true };
  if (err instanceof APIUserAbortError) return { error: cancelledError(err), retryable: false };
  if (err instanceof APIConnectionError) {
    const net = networkCode(err);
    return { error: unreachable(ctx, err, net ?? err.message), retryable: !(net && PERMANENT_NET.has(net)) };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const message = apiMessage(err);
    const errCode = typeof err.code === 'string' ? err.code : '';
    if (status === 401 || status === 403) {
      const hint = ctx.role === 'remote'
        ? 'Set a valid key ("Minions: Set Remote API Key" in VS Code, or MINIONS_REMOTE_API_KEY for the CLI)'
        : 'Set the API key the local server expects in the local model settings';
      return { error: new MinionsError(ctx.role === 'remote' ? 'remote-key-rejected' : 'server-error', `${who(ctx)} rejected the API key (${status}: ${message})`, hint, { cause: err }), retryable: false };
    }
    if (status === 404) {
      const isModel = /model/i.test(message) || errCode === 'model_not_found';
      return {
        error: isModel
          ? new MinionsError(ctx.role === 'remote' ? 'remote-model-missing' : 'local-model-missing', `${who(ctx)} has no model "${ctx.model}" (${message})`, 'Check the model name in the settings (it must be one the provider lists for your key)', { cause: err })
          : new MinionsError(code(ctx.role, 'unreachable'), `${who(ctx)} has no chat completions endpoint (404: ${message})`, 'Check the URL: it should be the API base, e.g. https://api.openai.com/v1', { cause: err }),
        retryable: false,
      };
    }
    if (status === 429) {
      if (errCode === 'insufficient_quota' || /quota|billing|credit/i.test(message)) {
        return { error: new MinionsError('remote-rate-limited', `${who(ctx)} refused the request: the account is out of quota (${message})`, "Add credit or raise the limit in the provider's billing settings", { cause: err }), retryable: false };
      }
      const after = parseRetryAfter(err.headers);
      const wait = after !== undefined ? ` (it asked to wait ${Math.ceil(after / 1000)} s)` : '';
      return {
        error: new MinionsError('remote-rate-limited', `${who(ctx)} is rate limiting requests${wait}`, 'Wait a minute and try again, lower the parallel jobs, or raise the rate limit of your account', { cause: err }),
        retryable: true,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
    }
    if (status === 400 || status === 413 || status === 422) {
      if (errCode === 'context_length_exceeded' || /context length|maximum context|too many tokens|too long/i.test(message)) {
        return { error: new MinionsError('context-too-long', `The prompt is longer than ${ctx.model} accepts (${message})`, 'Narrow the scope, or lower the digest and repository-map budgets', { cause: err }), retryable: false };
      }
      return { error: new MinionsError('server-error', `${who(ctx)} refused the request (${status}: ${message})`, 'Check that the server is OpenAI-compatible and supports this model', { cause: err }), retryable: false };
    }
    if (status >= 500 || status === 408 || status === 409) {
      const after = parseRetryAfter(err.headers);
      return { error: new MinionsError('server-error', `${who(ctx)} failed (${status}: ${message})`, 'The provider is having trouble: try again in a moment', { cause: err }), retryable: true, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    }
    return { error: new MinionsError('server-error', `${who(ctx)} answered ${status}: ${message}`, undefined, { cause: err }), retryable: false };
  }
  if (err instanceof SyntaxError) {
    return { error: new MinionsError(code(ctx.role, 'bad-output'), `${who(ctx)} sent a response that is not valid JSON`, 'Check that the URL points at an OpenAI-compatible API', { cause: err }), retryable: true };
  }
  const net = networkCode(err);
  if (net) return { error: unreachable(ctx, err, net), retryable: !PERMANENT_NET.has(net) };
  const message = err instanceof Error ? err.message : String(err);
  return { error: new MinionsError('internal', `${who(ctx)}: ${message}`, undefined, { cause: err }), retryable: false };
}

const REDACTED_KEY = '[redacted key]';

function mentions(value: unknown, secret: string): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (!value || typeof value !== 'object') return false;
  try {
    const e = value as { message?: unknown; error?: unknown };
    return mentions(e.message, secret) || JSON.stringify(e.error ?? null).includes(secret);
  } catch {
    return true; // cannot tell: treat as mentioning it
  }
}

/**
 * Some OpenAI-compatible servers quote the key back in their error body ("Incorrect API key
 * provided: <key>"), and the classified error repeats the server's words. The key must not ride
 * along into notifications, logs, history or CLI output, so every trace of it is replaced: in the
 * message and hint, and the original client error (whose message and body hold it) is swapped for
 * a plain one with the same redacted text.
 */
export function withoutSecret(c: Classified, secret: string | undefined): Classified {
  if (!secret || secret.length < 4) return c;
  const e = c.error;
  if (!mentions(e.message, secret) && !mentions(e.hint, secret) && !mentions(e.cause, secret)) return c;
  const scrub = (s: string) => s.split(secret).join(REDACTED_KEY);
  const original = e.cause instanceof Error ? e.cause : undefined;
  const cause = original ? Object.assign(new Error(scrub(original.message)), { status: (original as { status?: unknown }).status }) : undefined;
  const clean = new MinionsError(e.code, scrub(e.message), e.hint === undefined ? undefined : scrub(e.hint), cause ? { cause } : undefined);
  return { ...c, error: clean };
}
