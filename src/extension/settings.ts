// The extension's settings as one typed, validated object. Pure (no `vscode` import): the
// caller passes a getter over the `minions` configuration section, so the clamping is
// unit-tested and every consumer reads the same normalised values. The type and the defaults
// are the core's (core/settings.ts), shared with the CLI.

import { PROTOCOL_CHOICES } from '../core/protocol/protocols';
import { DEFAULT_SETTINGS, type MinionsSettings, type PriceOverride } from '../core/settings';

export { DEFAULT_SETTINGS } from '../core/settings';
export type { LocalProvider, MinionsSettings, NumCtxPolicy, PriceOverride, PrivacyLevel, RemoteProvider } from '../core/settings';

/** Reads `minions.<key>` (without the prefix); returns undefined when unset. */
export type SettingGetter = (key: string) => unknown;

export function readSettings(get: SettingGetter): MinionsSettings {
  const d = DEFAULT_SETTINGS;
  return {
    local: {
      provider: oneOf(get('local.provider'), ['ollama', 'openai-compatible'] as const, d.local.provider),
      url: url(get('local.url'), d.local.url),
      model: nonEmpty(get('local.model'), d.local.model),
      numCtxPolicy: oneOf(get('local.numCtxPolicy'), ['auto', 'fixed'] as const, d.local.numCtxPolicy),
      numCtx: int(get('local.numCtx'), d.local.numCtx, 512, 1_048_576),
      parallelJobs: int(get('local.parallelJobs'), d.local.parallelJobs, 1, 64),
    },
    remote: {
      provider: oneOf(get('remote.provider'), ['openai-compatible', 'vscode-lm'] as const, d.remote.provider),
      baseUrl: url(get('remote.baseUrl'), d.remote.baseUrl),
      model: nonEmpty(get('remote.model'), d.remote.model),
    },
    protocol: oneOf(get('protocol'), PROTOCOL_CHOICES, d.protocol),
    budget: { maxUsdPerRun: positiveOrNull(get('budget.maxUsdPerRun')), maxRemoteTokensPerRun: positiveOrNull(get('budget.maxRemoteTokensPerRun')) },
    maxRounds: int(get('maxRounds'), d.maxRounds, 1, 10),
    jobs: {
      perTask: int(get('jobs.perTask'), d.jobs.perTask, 1, 100),
      maxPerRound: int(get('jobs.maxPerRound'), d.jobs.maxPerRound, 1, 5000),
      samples: int(get('jobs.samples'), d.jobs.samples, 1, 5),
    },
    cache: {
      jobs: typeof get('cache.jobs') === 'boolean' ? (get('cache.jobs') as boolean) : d.cache.jobs,
    },
    index: {
      include: globs(get('index.include')),
      exclude: globs(get('index.exclude')),
      maxFileBytes: int(get('index.maxFileBytes'), d.index.maxFileBytes, 1024, 64 * 1024 * 1024),
      chunkTokens: int(get('index.chunkTokens'), d.index.chunkTokens, 64, 32_768),
      onStartup: typeof get('index.onStartup') === 'boolean' ? (get('index.onStartup') as boolean) : d.index.onStartup,
      pdfMaxPages: int(get('index.pdf.maxPages'), d.index.pdfMaxPages, 1, 100_000),
      pdfTimeBudgetMs: int(get('index.pdf.timeBudgetMs'), d.index.pdfTimeBudgetMs, 100, 600_000),
    },
    privacy: oneOf(get('privacy'), ['standard', 'strict'] as const, d.privacy),
    prices: prices(get('prices')),
  };
}

/** A cap: a positive finite number, or null (none) for anything else (unset, 0, junk). */
function positiveOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function nonEmpty(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** An http(s) URL without a trailing slash; anything else falls back to the default. */
function url(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  try {
    const parsed = new URL(value.trim());
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fallback;
    return value.trim().replace(/\/+$/, '');
  } catch {
    return fallback;
  }
}

function int(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function globs(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim());
}

function prices(value: unknown): Record<string, PriceOverride> {
  const out: Record<string, PriceOverride> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [model, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const p = raw as Record<string, unknown>;
    if (!isPrice(p.input) || !isPrice(p.output)) continue;
    out[model] = isPrice(p.cachedInput)
      ? { input: p.input, output: p.output, cachedInput: p.cachedInput }
      : { input: p.input, output: p.output };
  }
  return out;
}

function isPrice(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Which top-level parts a configuration change touches, so only those are rebuilt. */
export function changedAreas(affects: (section: string) => boolean): { index: boolean; models: boolean; any: boolean } {
  const index = affects('minions.index');
  const models = affects('minions.local') || affects('minions.remote') || affects('minions.prices');
  return { index, models, any: affects('minions') };
}
