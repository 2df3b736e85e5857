// The view of one run, built from its RunEvent stream: the one fold of a run. No DOM and no
// `vscode` here: the same code renders the live webview, rebuilds a reopened run from history,
// feeds the Markdown export and the history and CLI summaries (summary.ts), and it is
// unit-tested in plain Node.
//
// `applyEvent` updates the view in place and reports what changed, instead of returning a new
// object per event: a round of a thousand jobs is three thousand events, and copying the job
// list for each would make a live run quadratic. Callers that need a snapshot serialise it.

import type {
  Citation, CitationCheck, CostEstimate, EventError, JobInfo, JobStatus, LedgerSnapshot, PlanTask, ProtocolName, RemoteRequestRecord, RunEvent,
} from './events';
import type { RunOutcome } from './outcome';

/** A job as queued (`JobInfo`) plus what has happened to it since. */
export interface JobView extends JobInfo {
  status: JobStatus;
  finding?: string;
  /** The worker's citation (checked by the engine against the chunk's range). */
  citation?: Citation;
  /** The worker's quote of the code it cites (what Retry answer sends again). */
  quote?: string;
  error?: EventError;
  ms?: number;
  /** false: the finding's quote is not in its chunk (kept out of the remote's evidence); `reason` says why. */
  verified?: boolean;
  reason?: string;
  findingId?: string;
  /** Answered from the job cache (no local request). */
  cached?: boolean;
}

export interface RoundView {
  round: number;
  tasks: PlanTask[];
  advice?: string;
  synthesis?: { decision: 'answer' | 'continue'; missing?: string };
}

export interface RunView {
  runId: string;
  protocol: ProtocolName | string;
  question: string;
  scope: string[];
  startedAt: number;
  localModel: string;
  remoteModel: string;
  outcome: RunOutcome;
  round: number;
  maxRounds: number;
  rounds: RoundView[];
  jobs: JobView[];
  counts: Record<JobStatus, number>;
  answer?: { markdown: string; citations: Citation[]; checks?: CitationCheck[] };
  /** The answer as the remote writes it, until the `answer` event replaces it. */
  streaming?: string;
  /** A follow-up: its thread, turn, and the earlier findings it dropped as stale. */
  conversation?: { thread: string; turn: number; earlierTurns: number; findings: number; stale: Citation[] };
  errors: EventError[];
  /** The error that stopped the run, if one did. */
  fatalError?: EventError;
  ledger?: LedgerSnapshot;
  ms?: number;
  /** Why `auto` chose this protocol. */
  protocolReason?: string;
  /** Why the run did not simply answer (`budget`, or an error code). */
  reason?: string;
  /** What the run was expected to cost before it started, and the cap it ran under. */
  estimate?: { expected: CostEstimate; remoteOnly: CostEstimate; cap: { maxUsd?: number; maxRemoteTokens?: number } };
  /** Every request sent to the remote, as sent, with its reply (what left this machine). */
  remoteRequests?: RemoteRequestRecord[];
}

/** Which parts of the view an event touched, so the renderer redraws only those. */
export interface ViewChange {
  header?: boolean;
  plan?: boolean;
  jobs?: boolean;
  answer?: boolean;
  ledger?: boolean;
  errors?: boolean;
  remote?: boolean;
}

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'answered', 'abstained', 'failed'];

export function emptyCounts(): Record<JobStatus, number> {
  return { queued: 0, running: 0, answered: 0, abstained: 0, failed: 0 };
}

/** A view for a run whose `run-started` has not been seen (events arrive from the middle). */
export function createRunView(runId: string): RunView {
  return {
    runId,
    protocol: 'minions',
    question: '',
    scope: [],
    startedAt: 0,
    localModel: '',
    remoteModel: '',
    outcome: 'running',
    round: 0,
    maxRounds: 0,
    rounds: [],
    jobs: [],
    counts: emptyCounts(),
    errors: [],
  };
}

/** Builds the view of a whole run (a reopened run, an export). */
export function buildRunView(runId: string, events: readonly RunEvent[]): RunView {
  const view = createRunView(runId);
  const index = new JobIndex(view);
  for (const event of events) applyEvent(view, event, index);
  return view;
}

/** Maps job ids to positions in `view.jobs`; kept beside the view so the view stays plain JSON. */
export class JobIndex {
  private readonly byId = new Map<string, number>();
  constructor(view: RunView) {
    view.jobs.forEach((job, i) => this.byId.set(job.id, i));
  }
  get(view: RunView, id: string): JobView | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : view.jobs[i];
  }
  add(view: RunView, job: JobView): void {
    this.byId.set(job.id, view.jobs.length);
    view.jobs.push(job);
  }
}

/** Applies one event to the view (in place) and says what changed. Unknown events change nothing. */
export function applyEvent(view: RunView, event: RunEvent, index: JobIndex): ViewChange {
  switch (event.type) {
    case 'run-started':
      view.protocol = event.protocol;
      view.question = event.question;
      view.scope = [...event.scope];
      view.startedAt = event.startedAt;
      view.localModel = event.localModel;
      view.remoteModel = event.remoteModel;
      view.outcome = 'running';
      if (event.protocolReason) view.protocolReason = event.protocolReason;
      return { header: true };
    case 'estimate':
      view.estimate = { expected: { ...event.expected }, remoteOnly: { ...event.remoteOnly }, cap: { ...event.cap } };
      return { ledger: true };
    case 'remote-request':
      (view.remoteRequests ??= []).push(event.request);
      return { remote: true };
    case 'round-started':
      view.round = event.round;
      view.maxRounds = event.maxRounds;
      roundOf(view, event.round);
      return { header: true, plan: true };
    case 'plan': {
      const round = roundOf(view, event.round);
      round.tasks = event.tasks.map((t) => ({ ...t, keywords: [...t.keywords], globs: [...t.globs] }));
      if (event.advice !== undefined) round.advice = event.advice;
      return { plan: true };
    }
    case 'job-queued': {
      if (index.get(view, event.job.id)) return {};
      index.add(view, { ...event.job, status: 'queued' });
      view.counts.queued++;
      return { jobs: true };
    }
    case 'job-started': {
      const job = index.get(view, event.jobId);
      if (!job || job.status !== 'queued') return {};
      setStatus(view, job, 'running');
      return { jobs: true };
    }
    case 'job-finished': {
      const job = index.get(view, event.jobId);
      if (!job) return {};
      setStatus(view, job, event.status);
      job.ms = event.ms;
      if (event.finding !== undefined) job.finding = event.finding;
      if (event.citation !== undefined) job.citation = { ...event.citation };
      if (event.quote !== undefined) job.quote = event.quote;
      if (event.error !== undefined) job.error = { ...event.error };
      if (event.verified !== undefined) job.verified = event.verified;
      if (event.reason !== undefined) job.reason = event.reason;
      if (event.findingId !== undefined) job.findingId = event.findingId;
      if (event.cached) job.cached = true;
      return { jobs: true };
    }
    case 'synthesis': {
      const round = roundOf(view, event.round);
      round.synthesis = event.missing !== undefined ? { decision: event.decision, missing: event.missing } : { decision: event.decision };
      return { plan: true };
    }
    case 'model-call':
      return {};
    case 'usage':
      view.ledger = event.ledger;
      return { ledger: true };
    case 'answer-delta':
      view.streaming = (event.reset ? '' : view.streaming ?? '') + event.text;
      return { answer: true };
    case 'answer':
      view.answer = { markdown: event.markdown, citations: event.citations.map((c) => ({ ...c })), ...(event.checks ? { checks: event.checks.map((c) => ({ ...c })) } : {}) };
      delete view.streaming;
      return { answer: true };
    case 'conversation':
      view.conversation = { thread: event.thread, turn: event.turn, earlierTurns: event.earlierTurns, findings: event.findings, stale: event.stale.map((c) => ({ ...c })) };
      return { header: true, answer: true };
    case 'error':
      view.errors.push({ ...event.error });
      if (event.fatal) {
        view.outcome = 'failed';
        view.fatalError = { ...event.error };
      }
      return { errors: true, header: event.fatal };
    case 'cancelled':
      view.outcome = 'cancelled';
      view.ledger = event.ledger;
      settleUnfinishedJobs(view);
      return { header: true, ledger: true, jobs: true };
    case 'run-finished':
      view.outcome = event.status === 'partial' ? 'partial' : event.ok ? 'ok' : 'failed';
      if (event.reason) view.reason = event.reason;
      view.ms = event.ms;
      view.ledger = event.ledger;
      if (event.rounds > 0) view.round = event.rounds;
      return { header: true, ledger: true };
    default:
      return {};
  }
}

/** Merges the changes of a batch of events. */
export function mergeChanges(into: ViewChange, change: ViewChange): ViewChange {
  for (const key of Object.keys(change) as (keyof ViewChange)[]) if (change[key]) into[key] = true;
  return into;
}

/** Marks a view that was live when the window went away; nothing will finish it now. */
export function markInterrupted(view: RunView): void {
  if (view.outcome !== 'running') return;
  view.outcome = 'interrupted';
  settleUnfinishedJobs(view);
}

function roundOf(view: RunView, round: number): RoundView {
  let found = view.rounds.find((r) => r.round === round);
  if (!found) {
    found = { round, tasks: [] };
    view.rounds.push(found);
    view.rounds.sort((a, b) => a.round - b.round);
  }
  return found;
}

function setStatus(view: RunView, job: JobView, status: JobStatus): void {
  view.counts[job.status]--;
  job.status = status;
  view.counts[status]++;
}

/** A cancelled or interrupted run leaves no job spinning forever: they count as not done. */
function settleUnfinishedJobs(view: RunView): void {
  for (const job of view.jobs) {
    if (job.status === 'queued' || job.status === 'running') {
      setStatus(view, job, 'failed');
      job.error = { code: 'cancelled', message: 'Not finished: the run stopped first' };
    }
  }
}
