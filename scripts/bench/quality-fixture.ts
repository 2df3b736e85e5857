// The quality benchmark's repository: code and docs with one known answer line per question,
// among distractor lines that share the question's words. Written to a temporary folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GoldQuestion {
  question: string;
  /** The identifier or term the answer line carries (what a planner's keywords aim at). */
  term: string;
  path: string;
  line: number;
}

/** [path, term, answer line, question]. */
const FACTS: [string, string, string, string][] = [
  ['src/net/retry.ts', 'MAX_RETRIES', 'export const MAX_RETRIES = 5;', 'How many times is a failed request retried?'],
  ['src/net/retry.ts', 'backoffMs', 'export const backoffMs = (attempt: number) => 250 * 2 ** attempt;', 'How long does the client wait between retries?'],
  ['src/net/retry.ts', 'isRetryable', 'export const isRetryable = (status: number) => status === 429 || status >= 500;', 'Which HTTP statuses are retried?'],
  ['src/net/client.ts', 'DEFAULT_TIMEOUT_MS', 'const DEFAULT_TIMEOUT_MS = 30_000;', 'What is the default request timeout?'],
  ['src/net/client.ts', 'userAgent', "const userAgent = 'acme-client/2.3';", 'Which user agent does the client send?'],
  ['src/net/client.ts', 'keepAlive', 'const agent = new Agent({ keepAlive: true, maxSockets: 16 });', 'Are connections kept alive, and how many sockets?'],
  ['src/store/cache.ts', 'CACHE_TTL_S', 'export const CACHE_TTL_S = 600;', 'How long do cache entries live?'],
  ['src/store/cache.ts', 'evictOldest', 'function evictOldest(map: Map<string, Entry>) { map.delete(map.keys().next().value!); }', 'How does the cache evict entries when full?'],
  ['src/store/cache.ts', 'MAX_ENTRIES', 'const MAX_ENTRIES = 10_000;', 'How many entries does the cache hold at most?'],
  ['src/store/db.ts', 'POOL_SIZE', 'const POOL_SIZE = Number(process.env.DB_POOL ?? 8);', 'How big is the database connection pool?'],
  ['src/store/db.ts', 'migrate', "export async function migrate(db: Db) { await db.run('PRAGMA user_version = 7'); }", 'Which schema version do migrations set?'],
  ['src/store/db.ts', 'WAL', "await db.exec('PRAGMA journal_mode = WAL');", 'Which journal mode does the database use?'],
  ['src/auth/token.ts', 'TOKEN_LIFETIME_S', 'export const TOKEN_LIFETIME_S = 3600;', 'How long is an access token valid?'],
  ['src/auth/token.ts', 'refreshSkew', 'const refreshSkew = 60; // refresh a minute before expiry', 'When is a token refreshed?'],
  ['src/auth/token.ts', 'HS256', "const ALGORITHM = 'HS256';", 'Which signing algorithm do tokens use?'],
  ['src/auth/session.ts', 'SameSite', "res.cookie('sid', id, { httpOnly: true, sameSite: 'strict' }); // SameSite", 'Which SameSite policy does the session cookie use?'],
  ['src/auth/session.ts', 'IDLE_LOGOUT_MIN', 'const IDLE_LOGOUT_MIN = 20;', 'After how long idle is a user logged out?'],
  ['docs/operations.md', 'LOG_LEVEL', 'Set `LOG_LEVEL=debug` to see every request in the logs.', 'How do I turn on debug logging?'],
  ['docs/operations.md', 'port 8443', 'The admin console listens on port 8443 (TLS only).', 'Which port does the admin console use?'],
  ['docs/operations.md', 'backup', 'A backup runs nightly at 02:00 UTC and is kept for 14 days.', 'When do backups run and how long are they kept?'],
  ['docs/architecture.md', 'event bus', 'Services talk through the event bus; no service calls another directly.', 'How do services communicate?'],
  ['docs/architecture.md', 'read replica', 'Reports read from the read replica, never from the primary.', 'Where do reports read their data from?'],
  ['docs/architecture.md', 'feature flags', 'Feature flags are evaluated at the edge, once per request.', 'Where are feature flags evaluated?'],
  ['docs/security.md', 'rotation', 'Signing keys are rotated every 90 days; the old key stays valid for 7 more.', 'How often are signing keys rotated?'],
];

/** Lines that share a question's words without answering it (what makes a worker's slips cost). */
function filler(path: string, term: string, i: number): string[] {
  const doc = path.endsWith('.md');
  const base = term.split(/[^A-Za-z]+/).filter(Boolean)[0]!.toLowerCase();
  return Array.from({ length: 28 }, (_, k) => doc
    ? `Paragraph ${i}.${k}: notes about ${k % 5 === 0 ? base : 'operations'} and how teams handle routine ${k % 3 === 0 ? 'requests' : 'changes'}.`
    : `${k % 4 === 0 ? `// ${base} helpers below` : `export function helper${i}_${k}(value: number): number { return value + ${k}; }`}`);
}

/** Writes the repository under `root`; returns the questions with their answer locations. */
export function writeQualityRepo(root: string): GoldQuestion[] {
  const files = new Map<string, string[]>();
  const gold: GoldQuestion[] = [];
  FACTS.forEach(([path, term, line, question], i) => {
    const lines = files.get(path) ?? (path.endsWith('.md') ? [`# ${path.slice(5, -3)}`, ''] : [`// ${path}`, '']);
    lines.push(...filler(path, term, i).slice(0, 14), line);
    gold.push({ question, term, path, line: lines.length });
    lines.push(...filler(path, term, i).slice(14), '');
    files.set(path, lines);
  });
  for (const [path, lines] of files) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, lines.join('\n'));
  }
  return gold;
}
