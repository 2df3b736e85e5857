// The two short forms of a run, both read off the one view (view.ts) rather than folded again:
// the history's one line per run, and the CLI's `--json` object (the contract of issue 4).
// Built from the events alone, so a recorded stream summarizes the same way as a live one.

import type { Citation, JobStatus, LedgerSnapshot, ProtocolName, RunEvent } from './events';
import { emptyLedger } from './ledger';
import type { RunOutcome } from './outcome';
import { buildRunView, type RunView } from './view';

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

export interface JobReport {
  round: number;
  task: string;
  path: string;
  startLine: number;
  endLine: number;
  status: JobStatus;
  /** The worker's finding ('' for abstentions and failures). */
  answer: string;
}

/** What `minions ask --json` prints: fields are only ever added, never renamed. */
export interface RunReport {
  answer: string;
  protocol: ProtocolName;
  rounds: number;
  citations: Citation[];
  jobs: JobReport[];
  usage: LedgerSnapshot;
}

export function runReport(events: readonly RunEvent[]): RunReport {
  return reportOf(buildRunView('', events));
}

export function reportOf(view: RunView): RunReport {
  return {
    answer: view.answer?.markdown ?? '',
    protocol: view.protocol as ProtocolName,
    rounds: view.round,
    citations: view.answer?.citations ?? [],
    jobs: view.jobs.map((j) => ({
      round: j.round, task: j.task, path: j.path, startLine: j.startLine, endLine: j.endLine, status: j.status,
      answer: j.status === 'answered' ? (j.finding ?? '') : '',
    })),
    usage: view.ledger ?? emptyLedger(),
  };
}
