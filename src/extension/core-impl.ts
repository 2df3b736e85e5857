// Binds CoreApi to the real core. Built as its own bundle, dist/extension-core.js, which
// core.ts loads on first use: the core carries the tokenizer tables (3.6 MB of the 4.2 MB a
// single bundle would be), and compiling them on activation cost ~200 ms (scripts/bench-activation.mjs).

import OpenAI from 'openai';
import { openIndex, clearIndexCache } from '../core/index/index';
import { listLocalModels, pullLocalModel, checkRemote } from '../core/llm/factory';
import { runFromSettings } from '../core/run-from-settings';
import { removeJobCache } from '../core/protocol/job-cache';
import { toMinionsError } from '../core/errors';
import type { CoreApi, IndexHandle } from './coreApi';

export function createCore(): CoreApi {
  return {
    async openIndex(o): Promise<IndexHandle> {
      const index = await openIndex({
        roots: o.roots.map((r) => r.fsPath),
        cacheDir: o.cacheDir,
        include: o.settings.include,
        exclude: o.settings.exclude,
        maxFileBytes: o.settings.maxFileBytes,
        chunkTokens: o.settings.chunkTokens,
        pdfLimits: { maxPages: o.settings.pdfMaxPages, budgetMs: o.settings.pdfTimeBudgetMs },
        // The extension host is shared with other extensions: parse workers get processes of their own.
        parseIn: 'processes',
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.pace ? { pace: o.pace } : {}),
      });
      return {
        index,
        roots: index.workspaceRoots,
        update: (paths) => index.update([...paths]),
        documentNotes: () => index.documentNotes(),
        dispose: () => void index.dispose(),
      };
    },
    async clearIndexCache(cacheDir) {
      await clearIndexCache(cacheDir);
      removeJobCache(cacheDir);
    },
    async listLocalModels(s, signal) {
      if (s.provider === 'openai-compatible') {
        const client = new OpenAI({ apiKey: 'not-needed', baseURL: s.url, maxRetries: 0, timeout: 10_000 });
        const ids: string[] = [];
        for await (const m of client.models.list(signal ? { signal } : undefined)) ids.push(m.id);
        return ids;
      }
      return (await listLocalModels(s.url, signal)).map((m) => m.name);
    },
    async pullLocalModel(s, model, onProgress, signal) {
      await pullLocalModel(s.url, model, onProgress, signal);
    },
    async checkRemote(s, apiKey, signal) {
      try {
        await checkRemote({ url: s.baseUrl, model: s.model, apiKey }, signal);
        return { ok: true };
      } catch (err) {
        const e = toMinionsError(err, 'remote-unreachable');
        return { ok: false, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
      }
    },
    runProtocol(input) {
      return runFromSettings(input);
    },
  };
}
