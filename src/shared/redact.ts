// Keys never leave: not in the log, not in a stored or exported run, not on the page. Events
// carry no keys by contract, but an error message from a server can echo one (OpenAI's 401
// quotes part of the key it refused), so everything written out goes through here first.
// The one redactor of the project: the log and the run recorder use it alike.

/** Known secrets shorter than this are not searched for: they would blank ordinary words. */
const MIN_SECRET_CHARS = 8;

const KEY_PATTERNS: { pattern: RegExp; replace: string }[] = [
  // OpenAI-style keys, including sk-proj-…
  { pattern: /\bsk-[A-Za-z0-9_-]{8,}/g, replace: 'sk-[redacted]' },
  { pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: 'Bearer [redacted]' },
];

export const REDACTED = '[redacted]';

/** Replaces every known secret and anything shaped like an API key. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_CHARS) out = out.split(secret).join(REDACTED);
  }
  for (const { pattern, replace } of KEY_PATTERNS) out = out.replace(pattern, replace);
  return out;
}

/** Redacts every string inside a JSON-shaped value (a RunEvent list), returning a copy. */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[]): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? redactSecrets(v, secrets) : v)) as T;
}

/**
 * An event as the panel may keep it: error texts (the only place a server could have echoed a
 * key) redacted; other events are returned as they are, without copying.
 */
export function redactEvent<T extends object>(event: T, secrets: readonly (string | undefined)[]): T {
  return 'error' in event && (event as { error?: unknown }).error !== undefined ? redactDeep(event, secrets) : event;
}
