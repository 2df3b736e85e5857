// Keys never leave in a stored or exported run. Events carry no keys by contract, but an error
// message from a server can echo one (OpenAI's 401 quotes part of the key it refused), so
// everything written to history or an export goes through here first.

const KEY_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style keys, including sk-proj-…
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

export const REDACTED = '[redacted]';

/** Replaces every known secret (at least 4 characters long) and anything shaped like an API key. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (match, bearer?: string) => (typeof bearer === 'string' && /^bearer$/i.test(bearer) ? `${bearer} ${REDACTED}` : REDACTED));
  }
  return out;
}

/** Redacts every string inside a JSON-shaped value (a RunEvent list), returning a copy. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? redactSecrets(v, secrets) : v)) as T;
}

/**
 * An event as the panel may keep it: error texts (the only place a server could have echoed a
 * key) redacted; other events are returned as they are, without copying.
 */
export function redactEvent<T extends object>(event: T, secrets: readonly string[]): T {
  return 'error' in event && (event as { error?: unknown }).error !== undefined ? redactDeep(event, secrets) : event;
}
