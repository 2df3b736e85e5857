// The one-object summary of a run: the CLI's `--json` contract (issue 4), also what the
// extension keeps in its history and exports. Built from the events alone, so a recorded
// stream summarizes the same way as a live one.
import type { LedgerSnapshot } from '../ledger/types';
import type { Citation, CitationCheck, JobStatus, ProtocolName, RunEvent } from './events';

export interface JobSummary {
  round: number;
  task: string;
  path: string;
  startLine: number;
  endLine: number;
  status: JobStatus;
  /** The worker's finding ('' for abstentions and failures). */
  answer: string;
  /**
   * Whether the job's reply passed the local checks: an answered job whose quote is in its chunk,
   * or an abstention (it claims nothing). False for unverified findings, failed and unfinished jobs.
   */
  verified: boolean;
  /** Why `verified` is false (or why a "relevant" reply counted as an abstention). */
  reason?: string;
  /** The verified finding's id, as the remote saw it (`F3`). */
  findingId?: string;
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

export interface RunSummary {
  answer: string;
  protocol: ProtocolName;
  rounds: number;
  citations: Citation[];
  jobs: JobSummary[];
  usage: LedgerSnapshot;
  quality: RunQuality;
  /** MinionS: each answer citation checked (absent for the other protocols). */
  citationChecks?: CitationCheck[];
}

export function emptyLedger(): LedgerSnapshot {
  return {
    local: { requests: 0, promptTokens: 0, completionTokens: 0 },
    remote: { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd: 0 },
    baseline: { remotePromptTokens: 0, remoteCompletionTokens: 0, costUsd: 0 },
    savings: { costUsd: 0, ratio: null },
  };
}

export function summarizeRun(events: readonly RunEvent[]): RunSummary {
  let protocol: ProtocolName = 'minions';
  let answer = '';
  let citations: Citation[] = [];
  let rounds = 0;
  let roundsFinal: number | undefined;
  let usage: LedgerSnapshot = emptyLedger();
  let checks: CitationCheck[] | undefined;
  const jobs = new Map<string, JobSummary>();
  for (const e of events) {
    switch (e.type) {
      case 'run-started':
        protocol = e.protocol;
        break;
      case 'round-started':
        rounds = Math.max(rounds, e.round);
        break;
      case 'job-queued':
        jobs.set(e.job.id, { round: e.job.round, task: e.job.task, path: e.job.path, startLine: e.job.startLine, endLine: e.job.endLine, status: 'queued', answer: '', verified: false, reason: 'not finished' });
        break;
      case 'job-started': {
        const j = jobs.get(e.jobId);
        if (j) j.status = 'running';
        break;
      }
      case 'job-finished': {
        const j = jobs.get(e.jobId);
        if (j) {
          j.status = e.status;
          j.answer = e.status === 'answered' ? (e.finding ?? '') : '';
          // Answered jobs of engines that do not verify (Minion has none) count as verified only when they say so.
          j.verified = e.status === 'abstained' || (e.status === 'answered' && e.verified !== false);
          const reason = e.status === 'failed' ? `the job failed: ${e.error?.message ?? 'unknown error'}` : e.reason;
          if (reason) j.reason = reason;
          else delete j.reason;
          if (e.findingId) j.findingId = e.findingId;
        }
        break;
      }
      case 'answer':
        answer = e.markdown;
        citations = e.citations;
        checks = e.checks;
        break;
      case 'usage':
        usage = e.ledger;
        break;
      case 'cancelled':
        usage = e.ledger;
        break;
      case 'run-finished':
        usage = e.ledger;
        roundsFinal = e.rounds;
        break;
      default:
        break;
    }
  }
  const list = [...jobs.values()];
  const quality: RunQuality = {
    verified: list.filter((j) => j.status === 'answered' && j.verified).length,
    unverified: list.filter((j) => j.status === 'answered' && !j.verified).length,
    citations: citations.length,
    unsupportedCitations: checks?.filter((c) => c.status !== 'supported').length ?? 0,
  };
  return { answer, protocol, rounds: roundsFinal ?? rounds, citations, jobs: list, usage, quality, ...(checks ? { citationChecks: checks } : {}) };
}
