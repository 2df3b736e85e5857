// Binds CoreApi to the real core. Every core module is imported lazily (esbuild turns these
// dynamic imports into deferred module initialisers), so activation does not evaluate the
// model clients, the tokenizer tables or tree-sitter until the first index build or check.

import type { CoreApi } from './coreApi';
import type { MinionsSettings } from './settings';

function localConfig(s: MinionsSettings['local']) {
  return {
    provider: s.provider,
    url: s.url,
    model: s.model,
    parallel: s.parallelJobs,
    numCtx: s.numCtxPolicy === 'fixed' ? s.numCtx : ('auto' as const),
  };
}

export function createCore(): CoreApi {
  return {
    async openIndex(o) {
      const openIndex = await pendingCore<(o: unknown) => Promise<import('./coreApi').IndexHandle>>('openIndex');
      return openIndex({
        roots: o.roots.map((r) => ({ name: r.name, path: r.fsPath })),
        cacheDir: o.cacheDir,
        include: o.settings.include,
        exclude: o.settings.exclude,
        maxFileBytes: o.settings.maxFileBytes,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    },
    async clearIndexCache(cacheDir) {
      const clearIndexCache = await pendingCore<(dir: string) => Promise<void>>('clearIndexCache');
      await clearIndexCache(cacheDir);
    },
    async listLocalModels(s, signal) {
      if (s.provider === 'openai-compatible') {
        const { default: OpenAI } = await import('openai');
        const client = new OpenAI({ apiKey: 'not-needed', baseURL: s.url, maxRetries: 0, timeout: 10_000 });
        const ids: string[] = [];
        for await (const m of client.models.list(signal ? { signal } : undefined)) ids.push(m.id);
        return ids;
      }
      const { listLocalModels } = await import('../core/llm/factory');
      return (await listLocalModels(s.url, signal)).map((m) => m.name);
    },
    async pullLocalModel(s, model, onProgress, signal) {
      const { pullLocalModel } = await import('../core/llm/factory');
      await pullLocalModel(s.url, model, onProgress, signal);
    },
    async checkRemote(s, apiKey, signal) {
      const { checkRemote } = await import('../core/llm/factory');
      const { toMinionsError } = await import('../core/errors');
      try {
        await checkRemote({ url: s.baseUrl, model: s.model, apiKey }, signal);
        return { ok: true };
      } catch (err) {
        const e = toMinionsError(err, 'remote-unreachable');
        return { ok: false, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
      }
    },
    async *runProtocol(input) {
      const runProtocol = await pendingCore<(r: unknown, d: unknown, s: AbortSignal) => AsyncIterable<import('../core/protocol/events').RunEvent>>('runProtocol');
      const { createLocalModel, createRemoteModel } = await import('../core/llm/factory');
      const s = input.settings;
      const local = await createLocalModel(localConfig(s.local));
      const remote = createRemoteModel({ url: s.remote.baseUrl, model: s.remote.model, ...(input.apiKey ? { apiKey: input.apiKey } : {}) });
      yield* runProtocol(
        {
          question: input.question,
          protocol: s.protocol,
          scope: [...input.scope],
          maxRounds: s.maxRounds,
          parallel: s.local.parallelJobs,
          jobsPerTask: s.jobs.perTask,
          maxJobsPerRound: s.jobs.maxPerRound,
          privacy: s.privacy,
          prices: s.prices,
        },
        { index: input.index, local, remote },
        input.signal,
      );
    },
  };
}

// TEMPORARY until src/core/index/index.ts and src/core/protocol/index.ts land (issues 3 and 4):
// keeps the shared checkout compiling. Replaced by the real imports above.
async function pendingCore<T>(name: string): Promise<T> {
  const { MinionsError } = await import('../core/errors');
  throw new MinionsError('internal', `${name} is not available in this build yet`, 'Update Minions');
}
