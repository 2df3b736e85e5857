// The RunEvent stream: the seam between the engine and everything that shows a run.
// A run is an AsyncIterable<RunEvent>. The webview renders it, the CLI prints it, tests assert
// it. Every run ends with exactly one of `run-finished` or `cancelled`, and nothing follows it.

import type { LedgerSnapshot, CallUsage } from '../ledger/types';
import type { HttpAttempt, Role } from '../llm/types';

export type ProtocolName = 'minions' | 'minion' | 'remote' | 'local';

export interface Citation {
  path: string;
  startLine: number;
  endLine: number;
  /** PDFs: the page (1-based) the lines are on. */
  page?: number;
  /** Notebooks: the cell (1-based) the lines are in. */
  cell?: number;
  /** PDFs and notebooks: lines before the page or cell (the line within it is `line - lineOffset`). */
  lineOffset?: number;
}

/** One task of a remote plan, as validated and normalised by the engine. */
export interface PlanTask {
  id: string;
  instruction: string;
  keywords: string[];
  /** Path globs the task is limited to (empty: the whole scope). */
  globs: string[];
  /** Places to re-read first: `path:start-end` ranges or finding ids (`F3`). */
  targets?: string[];
  /** How much around each target is read: its chunk, also the chunks before and after, or its whole file. */
  granularity?: Granularity;
  /** Chunks this task reads (default: the run's per-task cap). */
  k?: number;
}

export type Granularity = 'chunk' | 'neighbors' | 'file';

/** An answer's `path:line` reference, checked: inside its file, and which verified findings it rests on. */
export interface CitationCheck extends Citation {
  /** Ids of the verified findings whose lines overlap this citation (empty: unsupported). */
  findingIds: string[];
  status: 'supported' | 'unsupported' | 'outside-file';
}

export type JobStatus = 'queued' | 'running' | 'answered' | 'abstained' | 'failed';

/** A job is (task, chunk): one local request. */
export interface JobInfo {
  id: string;
  round: number;
  taskId: string;
  task: string;
  path: string;
  startLine: number;
  endLine: number;
  symbol?: string;
}

/** How a run ended: answered; partial (findings, ledger and the error kept, no full answer); failed; cancelled. */
export type RunStatus = 'answered' | 'partial' | 'failed' | 'cancelled';

/** Expected remote cost of a run, before it starts (counted here: an estimate). */
export interface CostEstimate {
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
  tokenizer: string;
}

/** One HTTP request to the remote, exactly as sent, and its reply: what left this machine. */
export interface RemoteRequestRecord {
  purpose: string;
  model: string;
  attempt: HttpAttempt;
}

export interface EventError {
  code: string;
  message: string;
  hint?: string;
}

export type RunEvent =
  | { type: 'run-started'; runId: string; protocol: ProtocolName; question: string; scope: string[]; startedAt: number;
      localModel: string; remoteModel: string;
      /** Set when the protocol was chosen by `auto`: why this one. */
      protocolReason?: string }
  /** Before the first remote request: what the run will likely cost, and the cap it runs under. */
  | { type: 'estimate'; protocol: ProtocolName; expected: CostEstimate; remoteOnly: CostEstimate; cap: { maxUsd?: number; maxRemoteTokens?: number } }
  /** One HTTP request sent to the remote (retries included), with its reply. */
  | { type: 'remote-request'; request: RemoteRequestRecord }
  /**
   * A follow-up in a thread: how much of the conversation the run carries. `stale`: earlier
   * findings dropped because their code changed since they were read.
   */
  | { type: 'conversation'; thread: string; turn: number; earlierTurns: number; findings: number; stale: Citation[] }
  | { type: 'round-started'; round: number; maxRounds: number }
  | { type: 'plan'; round: number; tasks: PlanTask[]; advice?: string }
  | { type: 'job-queued'; job: JobInfo }
  | { type: 'job-started'; jobId: string }
  | { type: 'job-finished'; jobId: string; status: 'answered' | 'abstained' | 'failed';
      finding?: string; citation?: Citation; error?: EventError; usage?: CallUsage; ms: number;
      /** The worker's one-line quote (standard privacy), kept so a saved run can be synthesized again. */
      quote?: string;
      /** Answered jobs: whether the quote was found in the chunk (only verified findings reach the remote). */
      verified?: boolean;
      /** Why a finding is unverified, or why a "relevant" reply counted as an abstention. */
      reason?: string;
      /** The verified finding's short id, as the remote sees it in the digest (`F3`). */
      findingId?: string;
      /** Several samples of this job: how many, how many verified, and whether they disagreed. */
      samples?: { n: number; verified: number; disagree: boolean };
      /** The result came from the job cache: no local request was made. */
      cached?: boolean }
  | { type: 'synthesis'; round: number; decision: 'answer' | 'continue'; missing?: string }
  /** A model call completed (for the log); never carries prompts or keys. */
  | { type: 'model-call'; role: Role; model: string; purpose: string; usage: CallUsage; ms: number; ok: boolean; error?: EventError }
  | { type: 'usage'; ledger: LedgerSnapshot }
  /**
   * The final answer as the remote writes it: `text` is appended to what came before, unless
   * `reset` (a new attempt, or a synthesis that continued instead of answering) starts it over.
   * The `answer` event that follows is what counts.
   */
  | { type: 'answer-delta'; round: number; text: string; reset?: boolean }
  | { type: 'answer'; markdown: string; citations: Citation[];
      /** MinionS: each citation checked against its file and linked to the verified findings it rests on. */
      checks?: CitationCheck[] }
  /** fatal: the run cannot go on (a `run-finished` with ok=false follows). */
  | { type: 'error'; error: EventError; fatal: boolean }
  | { type: 'cancelled'; ledger: LedgerSnapshot }
  | { type: 'run-finished'; ok: boolean; rounds: number; ms: number; ledger: LedgerSnapshot;
      /** answered (ok), partial or failed; `reason` says why a run did not answer (`budget`, or the error's code). */
      status?: Exclude<RunStatus, 'cancelled'>; reason?: string };

export type RunEventType = RunEvent['type'];
