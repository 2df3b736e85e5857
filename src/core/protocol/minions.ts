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
import { readJob, readingOf, SAMPLED_PER_TASK, type Reading } from './samples';
import { Scratchpad } from './scratchpad';
import { scrubSource } from './privacy';
import { jsonCall } from './calls';
import { cachedResult, hasCachedResult, rememberResult, saveResults } from './job-reuse';
import type { Chunk } from '../index/types';
import { answerDeltas } from './answer-stream';
import { resumeConversation, type ResumedConversation } from './thread-context';

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
  const convo = resumed(ctx);
  const conversation = convo?.text || undefined;
  const threadNotes = req.conversation?.scratchpad;
  for (let round = 1; round <= req.maxRounds; round++) {
    ctx.throwIfCancelled();
    ctx.emit({ type: 'round-started', round, maxRounds: req.maxRounds });

    let next = planned;
    if (!next && round === 1 && convo) {
      // A follow-up starts from what the thread knows: the remote answers from it, or plans only what is missing.
      const start = await followUpStart(ctx, synthesizer, convo);
      if ('answer' in start) return start;
      next = start.plan;
    }
    if (!next) {
      const plan = await jsonCall<PlanAnswer>(ctx, planner, 'plan', {
        messages: planMessages({ question: req.question, repoMap, scope: req.scope, round, maxRounds: req.maxRounds, maxTasks: req.budgets.maxTasks, history, ...(conversation ? { conversation } : {}) }),
        schema: PLAN_SCHEMA, temperature: 0.2, maxTokens: 2000, reasoningEffort: 'low',
      });
      next = normalizePlan(plan.value, req.budgets.maxTasks, round, req.question);
    }
    const { tasks, advice } = next;
    ctx.emit({ type: 'plan', round, tasks, ...(advice ? { advice } : {}) });

    const { jobs, notes, unread } = expandPlan(ctx.index, tasks, {
      question: req.question, scope: req.scope, jobsPerTask: req.budgets.jobsPerTask, maxJobsPerRound: req.budgets.maxJobsPerRound, round, seen,
      readBefore: new Set(ctx.chunksRead.keys()), findingCitation,
      ...(ctx.jobCache ? { known: (task: PlanTask, chunk: Chunk) => hasCachedResult(ctx, task, chunk) } : {}),
    });
    for (const t of tasks) coverage.planned(t.id, t.instruction, round, unread.get(t.id) ?? 0);
    for (const note of notes) ctx.emit({ type: 'error', error: { code: 'plan-globs-unmatched', message: note }, fatal: false });
    for (const job of jobs) ctx.emit({ type: 'job-queued', job: job.info });
    await executeJobs(ctx, jobs, advice, findings, strict, coverage);
    ctx.usageNow();
    ctx.jobs.throwIfAllFailed();

    // With a scratchpad from earlier rounds, only the rounds after it are sent in full; a
    // follow-up starts from the notes its thread kept.
    const since = scratchpad.writtenAfterRound;
    const digest = { text: digestWithEarlier(findings.filter((f) => f.round > since), convo, req.budgets.digestTokens,
      new Map([...coverage.tasks].filter(([, c]) => c.round > since))) };
    const pad = since ? scratchpad.current : threadNotes;
    const live = answerDeltas((e) => ctx.emit(e), round);
    const synthesisRequest = (isLast: boolean) => ({
      messages: synthesisMessages({
        question: req.question, digest: digest.text, round, maxRounds: req.maxRounds,
        ...(pad ? { scratchpad: pad } : {}),
        ...(conversation ? { conversation } : {}),
        ...(isLast ? {} : { nextTasks: req.budgets.maxTasks, repoMap }),
      }),
      schema: isLast ? SYNTHESIS_SCHEMA : SYNTHESIS_PLAN_SCHEMA, temperature: 0.2, maxTokens: 3000, reasoningEffort: 'low' as const, ...live.hooks,
    });
    // Under a spend cap, a round is only continued if this synthesis, the next plan and the next
    // synthesis all fit: otherwise this synthesis must answer from what the run has.
    const capped = round < req.maxRounds && !ctx.guard.fits(synthesisRequest(false), 3);
    if (capped) ctx.guard.shortened = true;
    const last = round >= req.maxRounds || capped;
    const synth = await jsonCall<SynthesisAnswer>(ctx, synthesizer, 'synthesis', synthesisRequest(last));
    ctx.answerCompletionTokens = synth.result.usage.completionTokens;
    const { decision, answer, missing } = synth.value;
    const final = decision === 'answer' || last;
    if (!final) live.retract();
    ctx.emit({ type: 'synthesis', round, decision: final ? 'answer' : 'continue', ...(missing.trim() ? { missing: missing.trim() } : {}) });
    if (final) {
      const text = answer.trim() || `The workers' findings were not enough to answer.${missing.trim() ? ` Still missing: ${missing.trim()}` : ''}`;
      // The answer may rest on what earlier turns of the thread found as well as on this turn's.
      return { answer: text, rounds: round, findings: convo ? [...findings, ...convo.findings] : findings };
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

/** The thread's earlier turns and still-valid findings, announced (with what went stale), for a follow-up. */
function resumed(ctx: RunContext): ResumedConversation | undefined {
  const c = ctx.request.conversation;
  if (!c || c.earlier.length === 0) return undefined;
  const convo = resumeConversation(c, ctx.index, ctx.request.budgets.conversationTokens);
  for (const chunk of convo.chunks) ctx.earlierChunks.set(chunk.id, chunk);
  ctx.emit({ type: 'conversation', thread: c.threadId, turn: c.turn, earlierTurns: c.earlier.length, findings: convo.findings.length, stale: convo.stale });
  return convo;
}

/** The share of a follow-up's digest for findings of earlier turns (their gist is in the earlier answers too). */
const EARLIER_DIGEST_TOKENS = 400;

const findingKey = (f: Finding) => `${f.citation.path}:${f.citation.startLine}-${f.citation.endLine}\u0000${f.text}`;

/**
 * The findings the synthesizer reads. In a follow-up, what this turn found anew comes first and
 * in full; what earlier turns found (also when read again from the job cache now) follows in a
 * small budget of its own, so a follow-up does not pay again for what the thread already knows.
 */
function digestWithEarlier(findings: readonly Finding[], convo: ResumedConversation | undefined, budget: number, coverage: Parameters<typeof buildDigest>[2]): string {
  if (!convo || convo.findings.length === 0) return buildDigest(findings, budget, coverage).text;
  const known = new Set(convo.findings.map(findingKey));
  const fresh = findings.filter((f) => !known.has(findingKey(f)));
  const earlierBudget = Math.min(EARLIER_DIGEST_TOKENS, Math.floor(budget / 4));
  const now = buildDigest(fresh, budget - earlierBudget, coverage).text;
  const before = buildDigest(convo.findings, earlierBudget).text;
  return `${now || '(nothing new this turn)'}\n\nFindings from earlier turns:\n${before}`;
}

/**
 * A follow-up's first remote call: the synthesis over the conversation and its valid findings,
 * which either answers at once (nothing read) or plans the tasks for what is missing (no
 * separate plan call, no repository map).
 */
async function followUpStart(ctx: RunContext, synthesizer: typeof ctx.remote, convo: ResumedConversation): Promise<ProtocolOutcome | { plan: { tasks: PlanTask[]; advice: string } | undefined }> {
  const req = ctx.request;
  const live = answerDeltas((e) => ctx.emit(e), 1);
  const digest = buildDigest(convo.findings, Math.min(EARLIER_DIGEST_TOKENS, Math.floor(req.budgets.digestTokens / 4)));
  const synth = await jsonCall<SynthesisAnswer>(ctx, synthesizer, 'synthesis', {
    messages: synthesisMessages({
      question: req.question, digest: digest.text, round: 0, maxRounds: req.maxRounds, nextTasks: req.budgets.maxTasks,
      conversation: convo.text, ...(req.conversation?.scratchpad ? { scratchpad: req.conversation.scratchpad } : {}),
    }),
    schema: SYNTHESIS_PLAN_SCHEMA, temperature: 0.2, maxTokens: 3000, reasoningEffort: 'low', ...live.hooks,
  });
  const { decision, answer, tasks, advice } = synth.value;
  if (decision === 'answer' && answer.trim()) {
    ctx.answerCompletionTokens = synth.result.usage.completionTokens;
    ctx.emit({ type: 'synthesis', round: 1, decision: 'answer' });
    return { answer: answer.trim(), rounds: 1, findings: convo.findings };
  }
  live.retract();
  const plan = tasks?.some((t) => String(t.instruction ?? '').trim()) ? normalizePlan({ tasks, advice: advice ?? '' }, req.budgets.maxTasks, 1, req.question) : undefined;
  return { plan };
}

async function executeJobs(ctx: RunContext, jobs: readonly PlannedJob[], advice: string, findings: Finding[], strict: boolean, coverage: CoverageBook): Promise<void> {
  let fatal: MinionsError | undefined;
  const stopRound = new AbortController();
  const signal = anySignal(ctx.signal, stopRound.signal);
  await runPool(jobs, ctx.request.parallel, async (job, rank) => {
    if (fatal || signal.aborted) return;
    const { info, chunk } = job;
    ctx.chunksRead.set(chunk.id, chunk);
    const started = Date.now();
    const usage: CallUsage = { promptTokens: 0, completionTokens: 0 };
    const hit = cachedResult(ctx, job);
    const cached = hit ? { cached: true } : {};
    if (!hit) ctx.emit({ type: 'job-started', jobId: info.id });
    try {
      // A cached reply is verified again like a fresh one (cheap, and the rule may have changed).
      const n = job.position < SAMPLED_PER_TASK ? ctx.request.budgets.samples : 1;
      const reading: Reading = hit ? readingOf(chunk, hit.answer) : await readJob(ctx, job, advice, n, signal, usage);
      const { verdict, finding } = reading;
      const ms = Date.now() - started;
      // Read to the end (answered, unverified or abstained): the same-context baseline counts it.
      ctx.chunksAnswered.set(chunk.id, chunk);
      const samples = reading.samples ? { samples: reading.samples } : {};
      if (!hit) rememberResult(ctx, job, reading, ms, usage);
      if (verdict.kind === 'abstained') {
        coverage.record(info.taskId, 'abstained');
        ctx.emit({ type: 'job-finished', jobId: info.id, status: 'abstained', ms, usage, ...(verdict.note ? { reason: verdict.note } : {}), ...samples, ...cached });
        return;
      }
      if (verdict.kind === 'unverified') {
        // Kept for the user, counted, never evidence for the remote.
        coverage.record(info.taskId, 'unverified');
        ctx.emit({ type: 'job-finished', jobId: info.id, status: 'answered', finding, citation: verdict.citation, ms, usage, verified: false, reason: verdict.reason, ...samples, ...cached });
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
      ctx.emit({
        type: 'job-finished', jobId: info.id, status: 'answered', finding, citation: verdict.citation, ms, usage, verified: true, findingId: id, ...samples, ...cached,
        ...(!strict && reading.quote ? { quote: reading.quote } : {}),
      });
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
  await saveResults(ctx);
  if (fatal) throw fatal;
}
