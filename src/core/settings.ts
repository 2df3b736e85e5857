// What a run is configured with, and the one set of defaults. The extension reads these from
// the `minions.*` settings (extension/settings.ts), the CLI from its flags and environment
// (cli/commands/ask.ts); both start from DEFAULT_SETTINGS and hand the result to the same
// factory (run-from-settings.ts), so the two can never run with different defaults.
// Plain data only: the extension's activation bundle imports this, not the model clients.

import type { ProtocolChoice } from './protocol/protocols';

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';
export const DEFAULT_REMOTE_URL = 'https://api.openai.com/v1';

/** The local providers the extension's setting offers. */
export type LocalProvider = 'ollama' | 'openai-compatible';
/** Every local provider a run can use (the CLI also runs llama.cpp in-process). */
export type AnyLocalProvider = LocalProvider | 'embedded';
/** openai-compatible: an API with a key; vscode-lm: one of VS Code's own language models (e.g. Copilot's). */
export type RemoteProvider = 'openai-compatible' | 'vscode-lm';
export type NumCtxPolicy = 'auto' | 'fixed';
export type PrivacyLevel = 'standard' | 'strict';

/** USD per 1M tokens; the user's overrides of the built-in price table. */
export interface PriceOverride {
  input: number;
  output: number;
  cachedInput?: number;
}

export interface MinionsSettings {
  local: {
    provider: LocalProvider;
    url: string;
    model: string;
    numCtxPolicy: NumCtxPolicy;
    /** The cap under `auto`, the value under `fixed`. */
    numCtx: number;
    parallelJobs: number;
  };
  remote: {
    provider: RemoteProvider;
    baseUrl: string;
    model: string;
  };
  /** `auto`: the cheaper of MinionS and remote-only for each question and scope. */
  protocol: ProtocolChoice;
  /** Hard caps on one run's remote spend (null: none). */
  budget: { maxUsdPerRun: number | null; maxRemoteTokensPerRun: number | null };
  maxRounds: number;
  jobs: {
    /** Chunks taken per planned task (top K). */
    perTask: number;
    /** Cap on local jobs in one round. */
    maxPerRound: number;
    /** Times each task's top-ranked chunks are read (minions.jobs.samples). */
    samples: number;
  };
  cache: {
    /** Reuse finished local jobs from the on-disk job cache (`minions.cache.jobs`, `--no-job-cache`). */
    jobs: boolean;
  };
  index: {
    include: string[];
    exclude: string[];
    maxFileBytes: number;
    /** Upper bound on one chunk's size in tokens. */
    chunkTokens: number;
    onStartup: boolean;
    /** PDFs: pages read per file at most, and the time budget per file in ms. */
    pdfMaxPages: number;
    pdfTimeBudgetMs: number;
  };
  privacy: PrivacyLevel;
  prices: Record<string, PriceOverride>;
}

/** The part of the settings a run reads; the CLI may also pick the embedded provider. */
export type RunSettings = Omit<MinionsSettings, 'index' | 'local'> & {
  local: Omit<MinionsSettings['local'], 'provider'> & {
    provider: AnyLocalProvider;
    /** The .gguf file of the embedded provider. */
    modelPath?: string;
  };
};

export const DEFAULT_SETTINGS: MinionsSettings = {
  local: {
    provider: 'ollama',
    url: DEFAULT_OLLAMA_URL,
    model: 'qwen2.5-coder:3b',
    numCtxPolicy: 'auto',
    numCtx: 16384,
    parallelJobs: 4,
  },
  remote: { provider: 'openai-compatible', baseUrl: DEFAULT_REMOTE_URL, model: 'gpt-4.1' },
  protocol: 'auto',
  budget: { maxUsdPerRun: null, maxRemoteTokensPerRun: null },
  maxRounds: 3,
  // samples: chosen by npm run bench:quality (gold recall 38% -> 50% for 1.8x local requests); the engine's DEFAULT_SAMPLES agrees.
  jobs: { perTask: 24, maxPerRound: 96, samples: 2 },
  cache: { jobs: true },
  index: { include: [], exclude: [], maxFileBytes: 1_000_000, chunkTokens: 512, onStartup: true, pdfMaxPages: 500, pdfTimeBudgetMs: 20_000 },
  privacy: 'standard',
  prices: {},
};
