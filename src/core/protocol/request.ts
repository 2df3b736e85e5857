// What a run is asked to do, and the defaults and caps that make any request safe to run.
import { MinionsError } from '../errors';
import type { ProtocolName } from './events';
import { checkCap, type SpendCap } from './budget';
import type { Conversation } from './thread';
import { isProtocolName, MAX_QUESTION_CHARS } from './protocols';

export interface RunBudgets {
  /** Tasks kept from one plan (a plan with more is trimmed). Default 8. */
  maxTasks?: number;
  /**
   * Chunks read per task per round, at most (chunks that match the task far worse than its best
   * are not read at all). Default 24: with the default round cap, a typical plan of 3-4 tasks
   * fills one round of local reading.
   */
  jobsPerTask?: number;
  /**
   * Jobs in one round, across tasks. Default 96: about 24 s of local time per round at the
   * default 4 parallel jobs and ~1 s per job (a 3B model on a ~300-token excerpt). Local reading
   * costs no remote tokens; the remote's cost per round is fixed, so a round should read this much.
   */
  maxJobsPerRound?: number;
  /** Tokens of findings sent to the remote per synthesis. Default 4000. */
  digestTokens?: number;
  /** Tokens of repository map sent to the planner (the most related files first, then folders). Default 600. */
  repoMapTokens?: number;
  /** Tokens of code the local model gets in Minion and local-only. Default: its context minus room to answer, at most 12000. */
  localContextTokens?: number;
  /** Tokens of code the remote gets in remote-only. Default 24000. */
  remoteOnlyTokens?: number;
  /** Completion tokens a local job may write. Default 400. */
  jobMaxTokens?: number;
  /** Times each task's top-ranked chunks are read (agreeing samples merge, disagreeing ones are flagged). Default DEFAULT_SAMPLES; at most 5. */
  samples?: number;
  /** Tokens of earlier questions and answers a follow-up sends the remote. Default 1000. */
  conversationTokens?: number;
}

/** Samples per top-ranked chunk by default (chosen by `npm run bench:quality`). */
export const DEFAULT_SAMPLES = 2;

export interface RunRequest {
  question: string;
  protocol: ProtocolName;
  /** Workspace-relative files or folders every round is limited to ("Analyze with Minions"). */
  scope?: string[];
  /** Rounds (MinionS) or remote turns (Minion). Default 3; at most 10. */
  maxRounds?: number;
  /** Local jobs at once. Default 4; at most 64. */
  parallel?: number;
  /** strict: no line of source text reaches the remote (only paths, line numbers and the workers' own words). */
  privacy?: 'standard' | 'strict';
  budgets?: RunBudgets;
  /** The hard spend cap on the remote (default: none). */
  budget?: SpendCap;
  /** Id for the run's events (default: random). */
  runId?: string;
  /** A follow-up: the thread's earlier turns and findings (see thread.ts). */
  conversation?: Conversation;
}

export type ResolvedRequest = Required<Omit<RunRequest, 'budgets' | 'runId' | 'conversation'>> & { budgets: Required<RunBudgets>; runId: string; conversation?: Conversation };

const clamp = (value: number | undefined, fallback: number, min: number, max: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, Math.floor(value)));

export function resolveRequest(req: RunRequest, localContext: number | undefined): ResolvedRequest {
  const question = (req.question ?? '').trim();
  if (!question) throw new MinionsError('bad-input', 'The question is empty', 'Type a question about the workspace');
  if (question.length > MAX_QUESTION_CHARS) throw new MinionsError('bad-input', `The question is longer than ${MAX_QUESTION_CHARS.toLocaleString('en-US')} characters`, 'Shorten it; put the details in the files it is about and scope the run to them');
  if (!isProtocolName(req.protocol)) {
    throw new MinionsError('bad-input', `Unknown protocol "${String(req.protocol)}"`, 'Use minions, minion, remote or local');
  }
  const privacy = req.privacy ?? 'standard';
  if (privacy === 'strict' && req.protocol === 'remote') {
    throw new MinionsError('bad-input', 'The remote-only protocol sends code to the remote model, which strict privacy forbids',
      'Use the minions or minion protocol, or set privacy to standard');
  }
  const b = req.budgets ?? {};
  const localCtx = localContext ?? 8192;
  return {
    question,
    protocol: req.protocol,
    scope: (req.scope ?? []).map((s) => s.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')).filter((s) => s && s !== '.'),
    maxRounds: clamp(req.maxRounds, 3, 1, 10),
    parallel: clamp(req.parallel, 4, 1, 64),
    privacy,
    budget: checkCap(req.budget),
    runId: req.runId ?? `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    ...(req.conversation ? { conversation: req.conversation } : {}),
    budgets: {
      maxTasks: clamp(b.maxTasks, 8, 1, 50),
      jobsPerTask: clamp(b.jobsPerTask, 24, 1, 5000),
      maxJobsPerRound: clamp(b.maxJobsPerRound, 96, 1, 5000),
      digestTokens: clamp(b.digestTokens, 4000, 200, 100_000),
      repoMapTokens: clamp(b.repoMapTokens, 600, 100, 50_000),
      localContextTokens: clamp(b.localContextTokens, Math.min(12_000, Math.max(1024, localCtx - 1536)), 512, 1_000_000),
      remoteOnlyTokens: clamp(b.remoteOnlyTokens, 24_000, 500, 1_000_000),
      jobMaxTokens: clamp(b.jobMaxTokens, 400, 50, 8192),
      samples: clamp(b.samples, DEFAULT_SAMPLES, 1, 5),
      conversationTokens: clamp(b.conversationTokens, 1000, 100, 50_000),
    },
  };
}
