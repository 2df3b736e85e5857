// MinionS over a codebase (design.md section 4): plan (remote, JSON) → expand (no model) →
// execute (local, one request per job, P at a time) → aggregate (no model) → synthesize
// (remote, JSON), for up to maxRounds rounds.
import { MinionsError, toMinionsError, type ErrorCode } from '../errors';
import { anySignal } from '../llm/abort';
import type { CallUsage } from '../ledger/types';
import type { RunContext } from './run-context';
import { eventError } from './run-context';
import { buildRepoMap } from './repo-map';
import { planMessages, synthesisMessages } from './prompts';
import { PLAN_SCHEMA, SYNTHESIS_SCHEMA, SYNTHESIS_PLAN_SCHEMA, type PlanAnswer, type SynthesisAnswer } from './schemas';
import { withOptionalFields } from './optional-fields';
import type { PlanTask } from './events';
import { normalizePlan, expandPlan, type PlannedJob } from './expand';
import { runPool } from './scheduler';
import { buildDigest, type Finding } from './digest';
import { CoverageBook } from './coverage';
import { withTaskDefaults } from './targets';
import { readJob, SAMPLED_PER_TASK } from './samples';
import { Scratchpad } from './scratchpad';
import { scrubSource } from './privacy';
import { jsonCall } from './calls';

export interface ProtocolOutcome {
  answer: string;
  rounds: number;
  /** MinionS: the verified findings the remote was given (the answer's citations are checked against them). */
  findings?: readonly Finding[];
}

/** Findings shown to the next round's planner (the synthesizer gets the full digest budget). */
const PLAN_HISTORY_TOKENS = 800;

/** Job failures that every other job would meet too: the run stops with that error instead of failing N jobs. */
const FATAL_JOB_ERRORS = new Set<ErrorCode>(['local-unreachable', 'local-model-missing']);

export async function runMinions(ctx: RunContext): Promise<ProtocolOutcome> {
  const req = ctx.request;
  const strict = req.privacy === 'strict';
  const repoMap = buildRepoMap(ctx.index, req.scope, req.budgets.repoMapTokens, !strict, req.question);
  // A synthesis that answers may leave the next plan out: that means "no next plan".
  const synthesizer = withTaskDefaults(withOptionalFields(ctx.remote, { tasks: [], advice: '', scratchpad: '' }));
  const planner = withTaskDefaults(ctx.remote);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const coverage = new CoverageBook();
  const scratchpad = new Scratchpad();
  const findingCitation = (id: string) => findings.find((f) => f.id === id.trim().toUpperCase())?.citation;
  let history = '';
  /** The plan the previous round's synthesis wrote along with its "continue" (saves a plan call). */
  let planned: { tasks: PlanTask[]; advice: string } | undefined;
  for (let round = 1; round <= req.maxRounds; round++) {
    ctx.throwIfCancelled();
    ctx.emit({ type: 'round-started', round, maxRounds: req.maxRounds });

    let next = planned;
    if (!next) {
      const plan = await jsonCall<PlanAnswer>(ctx, planner, 'plan', {
        messages: planMessages({ question: req.question, repoMap, scope: req.scope, round, maxRounds: req.maxRounds, maxTasks: req.budgets.maxTasks, history }),
        schema: PLAN_SCHEMA, temperature: 0.2, maxTokens: 2000,
      });
      next = normalizePlan(plan.value, req.budgets.maxTasks, round, req.question);
    }
    const { tasks, advice } = next;
    ctx.emit({ type: 'plan', round, tasks, ...(advice ? { advice } : {}) });

    const { jobs, notes, unread } = expandPlan(ctx.index, tasks, {
      question: req.question, scope: req.scope, jobsPerTask: req.budgets.jobsPerTask, maxJobsPerRound: req.budgets.maxJobsPerRound, round, seen,
      readBefore: new Set(ctx.chunksRead.keys()), findingCitation,
    });
    for (const t of tasks) coverage.planned(t.id, t.instruction, round, unread.get(t.id) ?? 0);
    for (const note of notes) ctx.emit({ type: 'error', error: { code: 'plan-globs-unmatched', message: note }, fatal: false });
    for (const job of jobs) ctx.emit({ type: 'job-queued', job: job.info });
    await executeJobs(ctx, jobs, advice, findings, strict, coverage);
    ctx.usageNow();

    const last = round >= req.maxRounds;
    // With a scratchpad from earlier rounds, only the rounds after it are sent in full.
    const since = scratchpad.writtenAfterRound;
    const digest = buildDigest(findings.filter((f) => f.round > since), req.budgets.digestTokens,
      new Map([...coverage.tasks].filter(([, c]) => c.round > since)));
    const synth = await jsonCall<SynthesisAnswer>(ctx, synthesizer, 'synthesis', {
      messages: synthesisMessages({
        question: req.question, digest: digest.text, round, maxRounds: req.maxRounds,
        ...(since ? { scratchpad: scratchpad.current } : {}),
        ...(last ? {} : { nextTasks: req.budgets.maxTasks, repoMap }),
      }),
      schema: last ? SYNTHESIS_SCHEMA : SYNTHESIS_PLAN_SCHEMA, temperature: 0.2, maxTokens: 3000,
    });
    ctx.answerCompletionTokens = synth.result.usage.completionTokens;
    const { decision, answer, missing } = synth.value;
    const final = decision === 'answer' || last;
    ctx.emit({ type: 'synthesis', round, decision: final ? 'answer' : 'continue', ...(missing.trim() ? { missing: missing.trim() } : {}) });
    if (final) {
      const text = answer.trim() || `The workers' findings were not enough to answer.${missing.trim() ? ` Still missing: ${missing.trim()}` : ''}`;
      return { answer: text, rounds: round, findings };
    }
    // The synthesizer planned the next round itself; when it did not, a plan call does, from
    // what was found and what is missing (a tighter digest than the synthesizer's).
    planned = synth.value.tasks?.some((t) => String(t.instruction ?? '').trim())
      ? normalizePlan({ tasks: synth.value.tasks, advice: synth.value.advice ?? '' }, req.budgets.maxTasks, round + 1, req.question)
      : undefined;
    scratchpad.update(round, synth.value.scratchpad);
    if (!planned) {
      const brief = buildDigest(findings, Math.min(PLAN_HISTORY_TOKENS, req.budgets.digestTokens), coverage.tasks);
      history = `${brief.text}\n\nStill missing after round ${round}: ${missing.trim() || '(not said)'}`;
    }
  }
  throw new MinionsError('internal', 'The round loop ended without an answer');
}

async function executeJobs(ctx: RunContext, jobs: readonly PlannedJob[], advice: string, findings: Finding[], strict: boolean, coverage: CoverageBook): Promise<void> {
  let fatal: MinionsError | undefined;
  const stopRound = new AbortController();
  const signal = anySignal(ctx.signal, stopRound.signal);
  await runPool(jobs, ctx.request.parallel, async (job, rank) => {
    if (fatal || signal.aborted) return;
    const { info, chunk } = job;
    ctx.emit({ type: 'job-started', jobId: info.id });
    ctx.chunksRead.set(chunk.id, chunk);
    const started = Date.now();
    const usage: CallUsage = { promptTokens: 0, completionTokens: 0 };
    try {
      const n = job.position < SAMPLED_PER_TASK ? ctx.request.budgets.samples : 1;
      const reading = await readJob(ctx, job, advice, n, signal, usage);
      const { verdict, finding } = reading;
      const ms = Date.now() - started;
      const samples = reading.samples ? { samples: reading.samples } : {};
      if (verdict.kind === 'abstained') {
        coverage.record(info.taskId, 'abstained');
        ctx.emit({ type: 'job-finished', jobId: info.id, status: 'abstained', ms, usage, ...(verdict.note ? { reason: verdict.note } : {}), ...samples });
        return;
      }
      if (verdict.kind === 'unverified') {
        // Kept for the user, counted, never evidence for the remote.
        coverage.record(info.taskId, 'unverified');
        ctx.emit({ type: 'job-finished', jobId: info.id, status: 'answered', finding, citation: verdict.citation, ms, usage, verified: false, reason: verdict.reason, ...samples });
        return;
      }
      coverage.record(info.taskId, 'answered');
      const id = `F${findings.length + 1}`;
      findings.push({
        id, round: info.round, taskId: info.taskId, task: info.task, citation: verdict.citation, rank,
        text: strict ? scrubSource(finding, [chunk.text]) : finding,
        ...(!strict && reading.quote ? { quote: reading.quote } : {}),
        ...(reading.disputed ? { disputed: reading.disputed } : {}),
      });
      ctx.emit({ type: 'job-finished', jobId: info.id, status: 'answered', finding, citation: verdict.citation, ms, usage, verified: true, findingId: id, ...samples });
    } catch (err) {
      const e = toMinionsError(err);
      if (e.code === 'cancelled') {
        if (ctx.signal.aborted) throw e;
        return; // stopped because another job hit a fatal error
      }
      coverage.record(info.taskId, 'failed');
      ctx.emit({ type: 'job-finished', jobId: info.id, status: 'failed', error: eventError(e), ms: Date.now() - started, usage });
      if (FATAL_JOB_ERRORS.has(e.code) && !fatal) {
        fatal = e;
        stopRound.abort();
      }
    }
  }, signal);
  if (fatal) throw fatal;
}
