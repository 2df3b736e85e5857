// Targeted re-reads: a plan task may name the places to read (`path:start-end` ranges or the
// ids of earlier findings) and how much around them (the chunk, its neighbours, the whole file).
// The remote asks again about a place instead of guessing; these chunks come before anything
// the keywords find.
import type { CodeIndex, Chunk } from '../index/types';
import type { Citation, Granularity } from './events';
import { inScope } from './repo-map';
import type { ChatModel } from '../llm/types';
import { firstJsonObject } from '../llm/structured';

export const GRANULARITIES: readonly Granularity[] = ['chunk', 'neighbors', 'file'];
const MAX_TARGETS = 8;
/** Chunks one task's targets may expand to (a "file" target on a huge file must not fill a round). */
const MAX_TARGET_CHUNKS = 40;

const RANGE = /^(.+?):(\d+)(?:\s*-\s*(\d+))?$/;

export function normalizeTargets(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return [...new Set(raw.map((t) => String(t).trim().replace(/^\.\//, '')).filter((t) => t && t.length <= 300 && !t.startsWith('/') && !t.split('/').includes('..')))].slice(0, MAX_TARGETS);
}

export function normalizeGranularity(raw: unknown): Granularity {
  return GRANULARITIES.includes(raw as Granularity) ? (raw as Granularity) : 'chunk';
}

/** The chunks a task's targets name, in target order, widened by `granularity`, within the scope. */
export function targetChunks(index: CodeIndex, targets: readonly string[], granularity: Granularity, scope: readonly string[], findingCitation: (id: string) => Citation | undefined): Chunk[] {
  const out: Chunk[] = [];
  const taken = new Set<string>();
  const add = (c: Chunk | undefined) => {
    if (c && !taken.has(c.id) && out.length < MAX_TARGET_CHUNKS) {
      taken.add(c.id);
      out.push(c);
    }
  };
  for (const target of targets) {
    const place = findingCitation(target) ?? parseRange(target) ?? (index.chunksOf(target).length ? { path: target, startLine: 1, endLine: Number.MAX_SAFE_INTEGER } : undefined);
    if (!place || !inScope(place.path, scope)) continue;
    const chunks = index.chunksOf(place.path);
    if (granularity === 'file') {
      chunks.forEach(add);
      continue;
    }
    chunks.forEach((c, i) => {
      if (c.endLine < place.startLine || c.startLine > place.endLine) return;
      if (granularity === 'neighbors') add(chunks[i - 1]);
      add(c);
      if (granularity === 'neighbors') add(chunks[i + 1]);
    });
  }
  return out;
}

function parseRange(target: string): Citation | undefined {
  const m = RANGE.exec(target);
  if (!m) return undefined;
  const start = Number(m[2]);
  const end = m[3] ? Number(m[3]) : start;
  if (start < 1 || end < start) return undefined;
  return { path: m[1]!, startLine: start, endLine: end };
}

/** What a plan task that names no targets means; filled in where a reply leaves the fields out. */
const TASK_DEFAULTS = { targets: [], granularity: 'chunk', k: 0 } as const;

/**
 * `model`, with each planned task's targeting fields filled when the reply left them out (most
 * tasks name no targets, and models under the non-strict fallbacks drop empty fields).
 */
export function withTaskDefaults(model: ChatModel): ChatModel {
  return {
    role: model.role, provider: model.provider, model: model.model,
    ...(model.contextTokens !== undefined ? { contextTokens: model.contextTokens } : {}),
    async chat(request) {
      const result = await model.chat(request);
      const text = firstJsonObject(result.content.replace(/```(?:json)?/gi, ''));
      if (text === undefined) return result;
      try {
        const value = JSON.parse(text) as { tasks?: unknown };
        if (!value || !Array.isArray(value.tasks)) return result;
        let changed = false;
        value.tasks = value.tasks.map((t: unknown) => {
          if (!t || typeof t !== 'object' || Array.isArray(t)) return t;
          const missing = Object.keys(TASK_DEFAULTS).filter((k) => !(k in t));
          if (missing.length === 0) return t;
          changed = true;
          return { ...TASK_DEFAULTS, ...t };
        });
        return changed ? { ...result, content: JSON.stringify(value) } : result;
      } catch {
        return result; // the validator reports it and asks for a repair
      }
    },
  };
}
