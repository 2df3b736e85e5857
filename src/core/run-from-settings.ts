// Settings -> a run: the one place both the extension (core-impl.ts) and the CLI (`minions
// ask`) turn a RunSettings into model clients and a protocol request, so a setting means the
// same thing, with the same default, wherever a run starts.

import type { CodeIndex } from './index/types';
import { mergePrices } from './ledger/pricing';
import { createLocalModel, createRemoteModelFor, type LocalModelConfig } from './llm/factory';
import type { RunEvent } from './protocol/events';
import { runProtocol } from './protocol/index';
import type { RunSettings } from './settings';

export interface RunFromSettings {
  question: string;
  /** Workspace-relative paths every round is limited to ([] = the whole index). */
  scope: readonly string[];
  settings: RunSettings;
  apiKey?: string | undefined;
  index: CodeIndex;
  signal?: AbortSignal;
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

/** Runs one question as the settings say; the stream is the engine's (see protocol/events.ts). */
export async function* runFromSettings(input: RunFromSettings): AsyncGenerator<RunEvent> {
  const s = input.settings;
  const local = await createLocalModel(localModelConfig(s.local));
  const remote = createRemoteModelFor(s.protocol, { url: s.remote.baseUrl, model: s.remote.model, ...(input.apiKey ? { apiKey: input.apiKey } : {}) });
  yield* runProtocol(
    {
      question: input.question,
      protocol: s.protocol,
      scope: [...input.scope],
      maxRounds: s.maxRounds,
      parallel: s.local.parallelJobs,
      privacy: s.privacy,
      budgets: { jobsPerTask: s.jobs.perTask, maxJobsPerRound: s.jobs.maxPerRound },
    },
    { index: input.index, local, remote, pricing: mergePrices(s.prices).table },
    input.signal,
  );
}
