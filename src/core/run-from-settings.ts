// Settings -> a run: the one place both the extension (core-impl.ts) and the CLI (`minions
// ask`) turn a RunSettings into model clients and a protocol request, so a setting means the
// same thing, with the same default, wherever a run starts.

import type { CodeIndex } from './index/types';
import { mergePrices } from './ledger/pricing';
import { createLocalModel, createRemoteModelFor, type LocalModelConfig, type RemoteModelConfig } from './llm/factory';
import type { ChatModel } from './llm/types';
import type { ProtocolName, RunEvent } from './protocol/events';
import { retryAnswer, runProtocol, type RunRequestAny, type SavedJob } from './protocol/index';
import { remoteProtocolOf } from './protocol/protocols';
import type { RunSettings } from './settings';
import { JobCache } from './protocol/job-cache';
import type { Conversation } from './protocol/thread';

export interface RunFromSettings {
  question: string;
  /** Workspace-relative paths every round is limited to ([] = the whole index). */
  scope: readonly string[];
  settings: RunSettings;
  apiKey?: string | undefined;
  /** A remote model the caller made itself (VS Code's language models); else one is made from the settings. */
  remoteModel?: ChatModel;
  index: CodeIndex;
  signal?: AbortSignal;
  /** Retry answer: synthesize again from a saved run's jobs with its protocol (no local job runs). */
  retry?: { protocol: ProtocolName; jobs: readonly SavedJob[] } | undefined;
  /** Where the job cache lives (beside the index cache); used when `settings.cache.jobs` is on. */
  cacheDir?: string;
  /** A follow-up: the thread's earlier turns and findings. */
  conversation?: Conversation;
}

/** The local model client's configuration for the settings. */
export function localModelConfig(local: RunSettings['local']): LocalModelConfig {
  return {
    provider: local.provider,
    url: local.url,
    model: local.model,
    parallel: local.parallelJobs,
    numCtx: local.numCtxPolicy === 'fixed' ? local.numCtx : 'auto',
    ...(local.modelPath ? { modelPath: local.modelPath } : {}),
  };
}

/** The remote model client's configuration for the settings (an OpenAI-compatible API). */
export function remoteModelConfig(remote: RunSettings['remote'], apiKey: string | undefined): RemoteModelConfig {
  return { url: remote.baseUrl, model: remote.model, ...(apiKey ? { apiKey } : {}) };
}

/** The engine's request for one question under the settings. */
export function requestFromSettings(s: RunSettings, question: string, scope: readonly string[]): RunRequestAny {
  return {
    question,
    protocol: s.protocol,
    scope: [...scope],
    maxRounds: s.maxRounds,
    parallel: s.local.parallelJobs,
    privacy: s.privacy,
    budgets: { jobsPerTask: s.jobs.perTask, maxJobsPerRound: s.jobs.maxPerRound, samples: s.jobs.samples },
    budget: {
      ...(s.budget.maxUsdPerRun !== null ? { maxUsd: s.budget.maxUsdPerRun } : {}),
      ...(s.budget.maxRemoteTokensPerRun !== null ? { maxRemoteTokens: s.budget.maxRemoteTokensPerRun } : {}),
    },
  };
}

/** Runs one question as the settings say; the stream is the engine's (see protocol/events.ts). */
export async function* runFromSettings(input: RunFromSettings): AsyncGenerator<RunEvent> {
  const s = input.settings;
  const local = await createLocalModel(localModelConfig(s.local));
  const protocol = input.retry?.protocol ?? s.protocol;
  const remote = input.remoteModel ?? createRemoteModelFor(remoteProtocolOf(protocol), remoteModelConfig(s.remote, input.apiKey));
  const request = { ...requestFromSettings(s, input.question, input.scope), ...(input.conversation ? { conversation: input.conversation } : {}) };
  const deps = {
    index: input.index, local, remote, pricing: mergePrices(s.prices).table,
    ...(s.cache.jobs && input.cacheDir ? { jobCache: JobCache.inDir(input.cacheDir) } : {}),
  };
  // Retry answer: the saved run's findings synthesized again, no local job run.
  yield* input.retry
    ? retryAnswer({ ...request, protocol: input.retry.protocol, jobs: input.retry.jobs }, deps, input.signal)
    : runProtocol(request, deps, input.signal);
}
