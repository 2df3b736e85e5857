// A minimal test registry for code that runs inside VS Code's extension host, where node:test
// is not available to report back. Suites files call suite()/test() at import time; run()
// executes them in order, one at a time.

import type { HostTestResult } from './protocol';

export type { HostTestResult };

type Body = () => void | Promise<void>;
interface HostTest { name: string; fn: Body; timeoutMs: number }

const tests: HostTest[] = [];
const suitePath: string[] = [];
const DEFAULT_TIMEOUT_MS = 30_000;

/** Groups tests: their names become "suite > test". Suites nest. */
export function suite(name: string, body: () => void): void {
  suitePath.push(name);
  try { body(); } finally { suitePath.pop(); }
}

export function test(name: string, fn: Body, options: { timeoutMs?: number } = {}): void {
  tests.push({ name: [...suitePath, name].join(' > '), fn, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

/** Runs every registered test, calling `report` after each; never throws. */
export async function runRegistered(report: (result: HostTestResult) => void): Promise<HostTestResult[]> {
  const results: HostTestResult[] = [];
  for (const t of tests) {
    const started = Date.now();
    let result: HostTestResult;
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      result = { name: t.name, ok: true, durationMs: Date.now() - started };
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      result = { name: t.name, ok: false, durationMs: Date.now() - started, error };
    }
    results.push(result);
    report(result);
  }
  return results;
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
