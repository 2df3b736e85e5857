// Answers from findings already paid for, with no local job run again: the final synthesis a
// run falls back to when the spend cap stops its next round, and "Retry answer" (a run whose
// plan or synthesis failed after its jobs ran, synthesized again from its saved findings).
import type { RunContext } from './run-context';
import type { ProtocolOutcome } from './minions';
import type { Citation, JobStatus } from './events';
import { buildDigest, type Finding } from './digest';
import { synthesisMessages } from './prompts';
import { SYNTHESIS_SCHEMA, type SynthesisAnswer } from './schemas';
import { jsonCall } from './calls';
import { toFindings } from './outcome';

/**
 * A finished job as a saved run keeps it (the `jobs` of `minions ask --json`, the history):
 * enough to answer again from its finding without running it.
 */
export interface SavedJob {
  round: number;
  task: string;
  path: string;
  startLine: number;
  endLine: number;
  status: JobStatus;
  /** The worker's finding ('' for abstentions and failures). */
  answer: string;
  /** The lines the finding cites, the task it belongs to and the worker's quote: what Retry answer needs. */
  citation?: Citation;
  taskId?: string;
  quote?: string;
  /** false: the finding's quote was not in its chunk; it never reaches the remote, on a retry neither. */
  verified?: boolean;
}

/** One last synthesis over `findings` (decision forced to "answer"). */
export async function answerFromFindings(ctx: RunContext, findings: readonly Finding[], round: number): Promise<ProtocolOutcome> {
  const req = ctx.request;
  const digest = buildDigest([...findings], req.budgets.digestTokens);
  const synth = await jsonCall<SynthesisAnswer>(ctx, ctx.remote, 'synthesis', {
    messages: synthesisMessages({ question: req.question, digest: digest.text, round: req.maxRounds, maxRounds: req.maxRounds }),
    schema: SYNTHESIS_SCHEMA, temperature: 0.2, maxTokens: 3000, reasoningEffort: 'low',
  });
  ctx.answerCompletionTokens = synth.result.usage.completionTokens;
  const { answer, missing } = synth.value;
  ctx.emit({ type: 'synthesis', round, decision: 'answer', ...(missing.trim() ? { missing: missing.trim() } : {}) });
  return { answer: answer.trim() || `The workers' findings were not enough to answer.${missing.trim() ? ` Still missing: ${missing.trim()}` : ''}`, rounds: round, findings };
}

/**
 * Retry answer: replays a saved run's jobs as events (no request reaches the local model), then
 * synthesizes once from their findings. The saved jobs' chunks count for the same-context baseline as before.
 */
export async function retryFromSaved(ctx: RunContext, jobs: readonly SavedJob[]): Promise<ProtocolOutcome> {
  const rounds = Math.max(1, ...jobs.map((j) => j.round));
  ctx.emit({ type: 'round-started', round: rounds, maxRounds: ctx.request.maxRounds });
  const saved = jobs.filter((j) => j.status === 'answered' || j.status === 'abstained').map((j, i) => ({ job: j, id: `saved-${i}` }));
  for (const { job, id } of saved) {
    ctx.emit({ type: 'job-queued', job: { id, round: job.round, taskId: job.taskId ?? job.task, task: job.task, path: job.path, startLine: job.startLine, endLine: job.endLine } });
  }
  const trusted = (j: SavedJob) => j.status === 'answered' && j.verified !== false && j.answer !== '';
  for (const { job, id } of saved) {
    const chunk = ctx.index.chunksOf(job.path).find((c) => c.startLine === job.startLine && c.endLine === job.endLine);
    if (chunk) ctx.chunksAnswered.set(chunk.id, chunk);
    ctx.emit(job.status === 'answered'
      ? {
        type: 'job-finished', jobId: id, status: 'answered', finding: job.answer, citation: job.citation ?? { path: job.path, startLine: job.startLine, endLine: job.endLine }, ms: 0,
        verified: job.verified !== false, ...(job.quote ? { quote: job.quote } : {}),
      }
      : { type: 'job-finished', jobId: id, status: 'abstained', ms: 0 });
  }
  const findings = toFindings(jobs.filter(trusted).map((j) => ({
    round: j.round, taskId: j.taskId ?? j.task, task: j.task, citation: j.citation ?? { path: j.path, startLine: j.startLine, endLine: j.endLine }, text: j.answer, ...(j.quote ? { quote: j.quote } : {}),
  })), ctx.request.privacy === 'strict', ctx.index);
  return answerFromFindings(ctx, findings, rounds);
}
