// The two short forms of a run, both read off the one view (view.ts) rather than folded again:
// the history's one line per run, and the CLI's `--json` object (the contract of issue 4).
// Built from the events alone, so a recorded stream summarizes the same way as a live one.

import type {
  Citation, CitationCheck, EventError, LedgerSnapshot, ProtocolName, RemoteRequestRecord, RunEvent, RunStatus, SavedJob,
} from './events';
import { emptyLedger } from './ledger';
import type { RunOutcome } from './outcome';
import { buildRunView, type JobView, type RunView } from './view';

/** One line of the run history (the full events are loaded on demand). */
export interface RunSummary {
  runId: string;
  question: string;
  protocol: string;
  startedAt: number;
  outcome: RunOutcome;
  ms?: number;
  jobs: number;
  /** Remote dollars spent; null when the model's price is unknown. */
  remoteCostUsd: number | null;
  /** Dollars saved against the remote-only baseline; null when unknown. */
  savedUsd: number | null;
}

/**
 * The history line of a stored run. A stored run that never ended was live when it was saved
 * (a snapshot): nothing will finish it now, so it reads as interrupted.
 */
export function historySummary(runId: string, events: readonly RunEvent[]): RunSummary {
  const view = buildRunView(runId, events);
  const summary: RunSummary = {
    runId,
    question: view.question,
    protocol: view.protocol,
    startedAt: view.startedAt || Date.now(),
    outcome: view.outcome === 'running' ? 'interrupted' : view.outcome,
    jobs: view.jobs.length,
    remoteCostUsd: view.ledger ? view.ledger.remote.costUsd : null,
    savedUsd: view.ledger ? view.ledger.savings.costUsd : null,
  };
  if (view.ms !== undefined) summary.ms = view.ms;
  return summary;
}

/**
 * A job as the report keeps it: what Retry answer needs to answer again from its finding, and
 * how far its finding can be trusted.
 */
export interface JobReport extends SavedJob {
  /**
   * Whether the job's reply passed the local checks: an answered job whose quote is in its chunk,
   * or an abstention (it claims nothing). False for unverified findings, failed and unfinished jobs.
   */
  verified: boolean;
  /** Why `verified` is false (or why a "relevant" reply counted as an abstention). */
  reason?: string;
  /** The verified finding's id, as the remote saw it (`F3`). */
  findingId?: string;
  /** The result came from the job cache (no local request). */
  cached: boolean;
}

/** How far the answer can be trusted: the evidence checks and the answer's citations. */
export interface RunQuality {
  /** Findings that verified (the only ones the remote saw). */
  verified: number;
  /** Findings whose quote was not in their chunk (kept out of the remote's evidence). */
  unverified: number;
  citations: number;
  /** Answer citations no verified finding supports (or outside their file). */
  unsupportedCitations: number;
}

/** What `minions ask --json` prints: fields are only ever added, never renamed. */
export interface RunReport {
  answer: string;
  protocol: ProtocolName;
  rounds: number;
  citations: Citation[];
  jobs: JobReport[];
  usage: LedgerSnapshot;
  quality: RunQuality;
  /** MinionS: each answer citation checked (absent for the other protocols). */
  citationChecks?: CitationCheck[];
  /** answered, partial (jobs, usage and the error kept; no full answer), failed, or cancelled. */
  status: RunStatus;
  /** Why the run did not simply answer: `budget`, or the error's code. */
  reason?: string;
  /** The fatal error of a partial or failed run. */
  error?: EventError;
  /** Why `auto` chose this protocol. */
  protocolReason?: string;
  /** What the run was expected to cost before it started. */
  estimate?: RunView['estimate'];
  /** The question asked (what Retry answer asks again). */
  question: string;
  /** Every HTTP request sent to the remote, exactly as sent (no key), with its reply. */
  remoteRequests: RemoteRequestRecord[];
}

export function runReport(events: readonly RunEvent[]): RunReport {
  return reportOf(buildRunView('', events));
}

export function reportOf(view: RunView): RunReport {
  const status = STATUS_OF[view.outcome];
  const jobs = view.jobs.map(jobReport);
  const citations = view.answer?.citations ?? [];
  const checks = view.answer?.checks;
  return {
    answer: view.answer?.markdown ?? '',
    protocol: view.protocol as ProtocolName,
    rounds: view.round,
    citations,
    jobs,
    usage: view.ledger ?? emptyLedger(),
    quality: {
      verified: jobs.filter((j) => j.status === 'answered' && j.verified).length,
      unverified: jobs.filter((j) => j.status === 'answered' && !j.verified).length,
      citations: citations.length,
      unsupportedCitations: checks?.filter((c) => c.status !== 'supported').length ?? 0,
    },
    ...(checks ? { citationChecks: checks } : {}),
    status,
    ...(view.reason ? { reason: view.reason } : {}),
    ...(view.fatalError && status !== 'answered' ? { error: view.fatalError } : {}),
    ...(view.protocolReason ? { protocolReason: view.protocolReason } : {}),
    ...(view.estimate ? { estimate: view.estimate } : {}),
    question: view.question,
    remoteRequests: view.remoteRequests ?? [],
  };
}

/** A run that never reached its end (running, or a stored one that was interrupted) did not answer. */
const STATUS_OF: Record<RunOutcome, RunStatus> = {
  ok: 'answered', partial: 'partial', failed: 'failed', cancelled: 'cancelled', running: 'failed', interrupted: 'failed',
};

function jobReport(j: JobView): JobReport {
  const answered = j.status === 'answered';
  const verified = j.status === 'abstained' || (answered && j.verified !== false);
  const reason = j.status === 'failed' ? `the job failed: ${j.error?.message ?? 'unknown error'}`
    : j.status === 'queued' || j.status === 'running' ? 'not finished' : j.reason;
  return {
    round: j.round, task: j.task, path: j.path, startLine: j.startLine, endLine: j.endLine, status: j.status,
    answer: answered ? (j.finding ?? '') : '', verified,
    ...(reason ? { reason } : {}), ...(j.findingId ? { findingId: j.findingId } : {}),
    cached: j.cached === true,
    taskId: j.taskId,
    ...(answered && j.citation ? { citation: j.citation } : {}),
    ...(answered && j.quote ? { quote: j.quote } : {}),
  };
}
