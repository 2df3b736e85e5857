// Reading one job, once or several times. The top-ranked chunks of each task are where a weak
// worker's slip costs most, so there they may be read N times: samples that verify and cite the
// same place merge into one finding; samples that disagree are flagged to the remote.
import type { CallUsage } from '../ledger/types';
import type { RunContext } from './run-context';
import type { PlannedJob } from './expand';
import { jobMessages } from './prompts';
import { JOB_SCHEMA, type JobAnswer } from './schemas';
import { jsonCall } from './calls';
import { verifyReply, type Verdict } from './verify';
import type { Citation } from './events';
import type { Chunk } from '../index/types';

/** How many of each task's best-ranked chunks are sampled when samples > 1. */
export const SAMPLED_PER_TASK = 2;
/** Extra samples are read at this temperature (the first stays greedy): different enough to disagree, not to ramble. */
export const SAMPLE_TEMPERATURE = 0.3;

export interface Sample {
  verdict: Verdict;
  finding: string;
  quote: string;
  /** The worker's reply this sample was read from (what the job cache keeps). */
  answer?: JobAnswer;
}

export interface Reading extends Sample {
  samples?: { n: number; verified: number; disagree: boolean };
  /** Set when samples disagreed: said to the remote next to the finding. */
  disputed?: string;
}

const overlaps = (a: Citation, b: Citation) => a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;

/** One reading from several samples (at least one). */
export function mergeSamples(samples: readonly Sample[]): Reading {
  if (samples.length === 1) return samples[0]!;
  const verified = samples.filter((s) => s.verdict.kind === 'verified');
  const n = samples.length;
  if (verified.length === 0) {
    const unverified = samples.find((s) => s.verdict.kind === 'unverified');
    return { ...(unverified ?? samples[0]!), samples: { n, verified: 0, disagree: unverified !== undefined && samples.some((s) => s.verdict.kind === 'abstained') } };
  }
  // Samples agree when they verify and cite overlapping lines; the largest group wins (the first on ties).
  const groups: Sample[][] = [];
  for (const s of verified) {
    const c = (s.verdict as { citation: Citation }).citation;
    const g = groups.find((g) => overlaps((g[0]!.verdict as { citation: Citation }).citation, c));
    if (g) g.push(s);
    else groups.push([s]);
  }
  const best = groups.reduce((a, b) => (b.length > a.length ? b : a));
  const disagree = best.length < n;
  return {
    ...best[0]!,
    samples: { n, verified: verified.length, disagree },
    ...(disagree ? { disputed: `samples disagree: ${best.length} of ${n} readings support this` } : {}),
  };
}

/** One reply, verified against its chunk (a fresh reply, or one from the job cache). */
export function readingOf(chunk: Chunk, answer: JobAnswer): Sample {
  return { verdict: verifyReply(chunk, answer), finding: answer.finding.trim(), quote: (answer.quote ?? '').trim(), answer };
}

/** Reads `job` `n` times (n = 1: once, greedy), verifies every reply, merges them. A failed sample is skipped unless all fail. */
export async function readJob(ctx: RunContext, job: PlannedJob, advice: string, n: number, signal: AbortSignal, usage: CallUsage): Promise<Reading> {
  const samples: Sample[] = [];
  let firstError: unknown;
  for (let i = 0; i < n; i++) {
    try {
      const { value } = await jsonCall<JobAnswer>(ctx, ctx.local, 'job', {
        messages: jobMessages({ question: ctx.request.question, instruction: job.info.task, advice, chunk: job.chunk }),
        schema: JOB_SCHEMA, temperature: i === 0 ? 0 : SAMPLE_TEMPERATURE, maxTokens: ctx.request.budgets.jobMaxTokens,
      }, signal, usage);
      samples.push(readingOf(job.chunk, value));
    } catch (err) {
      if (signal.aborted || n === 1) throw err;
      firstError ??= err;
    }
  }
  if (samples.length === 0) throw firstError;
  return mergeSamples(samples);
}
