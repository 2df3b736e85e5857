// The one-object summary of a run: the CLI's `--json` contract (issue 4), also what the
// extension keeps in its history and exports. Built from the events alone, so a recorded
// stream summarizes the same way as a live one.
import type { LedgerSnapshot } from '../ledger/types';
import type { Citation, CostEstimate, EventError, JobStatus, ProtocolName, RemoteRequestRecord, RunEvent, RunStatus } from './events';

export interface JobSummary {
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
}

export interface RunSummary {
  answer: string;
  protocol: ProtocolName;
  rounds: number;
  citations: Citation[];
  jobs: JobSummary[];
  usage: LedgerSnapshot;
  /** answered, partial (jobs, usage and the error kept; no full answer), failed, or cancelled. */
  status: RunStatus;
  /** Why the run did not simply answer: `budget`, or the error's code. */
  reason?: string;
  /** The fatal error of a partial or failed run. */
  error?: EventError;
  /** Why `auto` chose this protocol. */
  protocolReason?: string;
  /** What the run was expected to cost before it started. */
  estimate?: { expected: CostEstimate; remoteOnly: CostEstimate; cap: { maxUsd?: number; maxRemoteTokens?: number } };
  /** The question asked (what Retry answer asks again). */
  question: string;
  /** Every HTTP request sent to the remote, exactly as sent (no key), with its reply. */
  remoteRequests: RemoteRequestRecord[];
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
  let status: RunStatus = 'failed';
  let reason: string | undefined;
  let error: EventError | undefined;
  let protocolReason: string | undefined;
  let question = '';
  let estimate: RunSummary['estimate'];
  const remoteRequests: RemoteRequestRecord[] = [];
  const jobs = new Map<string, JobSummary>();
  for (const e of events) {
    switch (e.type) {
      case 'run-started':
        protocol = e.protocol;
        protocolReason = e.protocolReason;
        question = e.question;
        break;
      case 'estimate':
        estimate = { expected: e.expected, remoteOnly: e.remoteOnly, cap: e.cap };
        break;
      case 'remote-request':
        remoteRequests.push(e.request);
        break;
      case 'error':
        if (e.fatal) error = e.error;
        break;
      case 'round-started':
        rounds = Math.max(rounds, e.round);
        break;
      case 'job-queued':
        jobs.set(e.job.id, { round: e.job.round, task: e.job.task, path: e.job.path, startLine: e.job.startLine, endLine: e.job.endLine, status: 'queued', answer: '', taskId: e.job.taskId });
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
          if (e.status === 'answered' && e.citation) j.citation = e.citation;
          if (e.status === 'answered' && e.quote) j.quote = e.quote;
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
        status = 'cancelled';
        break;
      case 'run-finished':
        usage = e.ledger;
        roundsFinal = e.rounds;
        status = e.status ?? (e.ok ? 'answered' : 'failed');
        reason = e.reason;
        break;
      default:
        break;
    }
  }
  return {
    answer, protocol, rounds: roundsFinal ?? rounds, citations, jobs: [...jobs.values()], usage, status,
    ...(reason ? { reason } : {}), ...(error && status !== 'answered' ? { error } : {}), ...(protocolReason ? { protocolReason } : {}), ...(estimate ? { estimate } : {}),
    question, remoteRequests,
  };
}
