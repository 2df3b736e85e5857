// The engine's side of the job cache: look a job up before sending it, remember a finished one,
// save after each round. A cache that cannot be read or written is reported as a note and
// otherwise ignored: it only ever saves work, it never fails a run.
import type { CallUsage } from '../ledger/types';
import { toMinionsError } from '../errors';
import type { RunContext } from './run-context';
import type { PlannedJob } from './expand';
import type { PlanTask } from './events';
import type { Chunk } from '../index/types';
import type { Sample } from './samples';
import { jobCacheKey, type CachedJob } from './job-cache';
import { JOB_PROMPT_VERSION } from './prompts';
import { isCacheableJob } from './trust';

const reported = new WeakSet<RunContext>();

function keyOf(ctx: RunContext, job: Pick<PlannedJob, 'task' | 'chunk'>): string {
  return jobCacheKey({ chunk: job.chunk, instruction: job.task.instruction, keywords: job.task.keywords, model: ctx.local.model, promptVersion: JOB_PROMPT_VERSION });
}

/** Whether the job has a cached result (without counting it as used). */
export function hasCachedResult(ctx: RunContext, task: PlanTask, chunk: Chunk): boolean {
  return ctx.jobCache?.has(keyOf(ctx, { task, chunk })) ?? false;
}

function note(ctx: RunContext, message: string): void {
  ctx.emit({ type: 'error', error: { code: 'job-cache', message: `Job cache: ${message}`, hint: 'Jobs are read again as usual; Rebuild Index clears the cache' }, fatal: false });
}

/** The cached result of this job, if any; a hit is counted in the ledger (no request, no tokens, its original time saved). */
export function cachedResult(ctx: RunContext, job: PlannedJob): CachedJob | undefined {
  const cache = ctx.jobCache;
  if (!cache) return undefined;
  const problem = cache.open();
  if (problem && !reported.has(ctx)) {
    reported.add(ctx);
    note(ctx, problem);
  }
  const hit = cache.get(keyOf(ctx, job));
  if (hit) ctx.ledger.addCachedJob(hit.ms);
  return hit;
}

/** Stores a finished job when the trust rule allows it (a verified finding, or an abstention). */
export function rememberResult(ctx: RunContext, job: PlannedJob, reading: Sample, ms: number, usage: CallUsage): void {
  const { verdict } = reading;
  const finished = verdict.kind === 'abstained' ? { status: 'abstained' as const } : { status: 'answered' as const, verified: verdict.kind === 'verified' };
  if (!ctx.jobCache || !reading.answer || !isCacheableJob(finished)) return;
  ctx.jobCache.put(keyOf(ctx, job), { answer: reading.answer, ms, usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens } });
}

/** Saves the cache after a round; a failure is a note, not an error. */
export async function saveResults(ctx: RunContext): Promise<void> {
  try {
    await ctx.jobCache?.save();
  } catch (err) {
    note(ctx, `could not be saved (${toMinionsError(err).message})`);
  }
}
