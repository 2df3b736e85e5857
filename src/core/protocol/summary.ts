// The one-object summary of a run: the CLI's `--json` contract (issue 4), also what the
// extension keeps in its history and exports. Built from the events alone, so a recorded
// stream summarizes the same way as a live one.
import type { LedgerSnapshot } from '../ledger/types';
import type { Citation, JobStatus, ProtocolName, RunEvent } from './events';

export interface JobSummary {
  round: number;
  task: string;
  path: string;
  startLine: number;
  endLine: number;
  status: JobStatus;
  /** The worker's finding ('' for abstentions and failures). */
  answer: string;
  /** The result came from the job cache (no local request). */
  cached: boolean;
}

export interface RunSummary {
  answer: string;
  protocol: ProtocolName;
  rounds: number;
  citations: Citation[];
  jobs: JobSummary[];
  usage: LedgerSnapshot;
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
        jobs.set(e.job.id, { round: e.job.round, task: e.job.task, path: e.job.path, startLine: e.job.startLine, endLine: e.job.endLine, status: 'queued', answer: '', cached: false });
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
          j.cached = e.cached === true;
        }
        break;
      }
      case 'answer':
        answer = e.markdown;
        citations = e.citations;
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
  return { answer, protocol, rounds: roundsFinal ?? rounds, citations, jobs: [...jobs.values()], usage };
}
