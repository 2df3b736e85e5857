// Conversations (the data; thread-context.ts is what a follow-up run makes of it). A thread is the turns asked one after another in a workspace; each turn keeps
// its question, its answer, its ledger and the findings it found (with the hash of the chunk each
// came from). A follow-up gives the remote what it needs to plan only what is missing: the
// earlier questions and answers (compact, newest first, within a token budget), the scratchpad
// when there is one, and the earlier findings whose chunks are unchanged. A finding whose chunk
// was edited or removed since is stale: it is dropped, and the run says which.
import type { CodeIndex } from '../index/types';
import type { LedgerSnapshot } from '../ledger/types';
import type { Citation, ProtocolName, RunEvent } from './events';
import { chunkContentHash } from './job-cache';
import { isKeptFinding } from './trust';

export interface ThreadFinding {
  /** The chunk the finding was read from (`path:start-end`) and its content hash then. */
  chunkId: string;
  chunkHash: string;
  citation: Citation;
  task: string;
  text: string;
  /** The turn that found it. */
  turn: number;
}

export interface ThreadTurn {
  turn: number;
  runId: string;
  question: string;
  answer: string;
  protocol: ProtocolName;
  startedAt: number;
  outcome: 'ok' | 'failed' | 'cancelled';
  findings: ThreadFinding[];
  /** Earlier findings this turn dropped because their code changed. */
  stale: Citation[];
  /** What this turn alone spent. */
  ledger: LedgerSnapshot;
  scratchpad?: string;
}

export interface Thread {
  id: string;
  createdAt: number;
  updatedAt: number;
  turns: ThreadTurn[];
}

/** What a follow-up run is given (RunRequest.conversation). */
export interface Conversation {
  threadId: string;
  /** This turn's number (the earlier turns are 1 .. turn-1). */
  turn: number;
  earlier: { question: string; answer: string }[];
  findings: ThreadFinding[];
  scratchpad?: string;
}

export function newThreadId(now = Date.now()): string {
  return `thread-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function newThread(now = Date.now()): Thread {
  return { id: newThreadId(now), createdAt: now, updatedAt: now, turns: [] };
}

/** The turn a finished run adds to its thread: its question, answer, ledger and kept findings. */
export function turnFromEvents(turn: number, events: readonly RunEvent[], index: CodeIndex, stale: Citation[] = []): ThreadTurn {
  const jobs = new Map<string, { task: string; chunkId: string }>();
  const findings: ThreadFinding[] = [];
  let runId = '';
  let question = '';
  let protocol: ProtocolName = 'minions';
  let startedAt = Date.now();
  let answer = '';
  let outcome: ThreadTurn['outcome'] = 'failed';
  let ledger: LedgerSnapshot | undefined;
  for (const e of events) {
    if (e.type === 'run-started') ({ runId, question, protocol, startedAt } = e);
    else if (e.type === 'job-queued') jobs.set(e.job.id, { task: e.job.task, chunkId: `${e.job.path}:${e.job.startLine}-${e.job.endLine}` });
    else if (e.type === 'job-finished' && isKeptFinding(e) && e.finding && e.citation) {
      const job = jobs.get(e.jobId);
      const chunk = job && index.getChunk(job.chunkId);
      if (job && chunk) findings.push({ chunkId: job.chunkId, chunkHash: chunkContentHash(chunk), citation: e.citation, task: job.task, text: e.finding, turn });
    } else if (e.type === 'answer') answer = e.markdown;
    else if (e.type === 'usage') ledger = e.ledger;
    else if (e.type === 'conversation') stale = e.stale;
    else if (e.type === 'cancelled') {
      outcome = 'cancelled';
      ledger = e.ledger;
    } else if (e.type === 'run-finished') {
      outcome = e.ok ? 'ok' : 'failed';
      ledger = e.ledger;
    }
  }
  return { turn, runId, question, answer, protocol, startedAt, outcome, findings, stale, ledger: ledger ?? noSpend() };
}

/** A turn that never reported usage spent nothing. */
function noSpend(): LedgerSnapshot {
  return {
    local: { requests: 0, promptTokens: 0, completionTokens: 0 },
    remote: { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd: 0 },
    baseline: { remotePromptTokens: 0, remoteCompletionTokens: 0, costUsd: 0 },
    savings: { costUsd: 0, ratio: null },
  };
}

/** What the next turn of `thread` is given: the answered turns so far and every finding they kept. */
export function conversationOf(thread: Thread): Conversation {
  const answered = thread.turns.filter((t) => t.outcome === 'ok');
  const last = [...thread.turns].reverse().find((t) => t.scratchpad);
  return {
    threadId: thread.id,
    turn: thread.turns.length + 1,
    earlier: answered.map((t) => ({ question: t.question, answer: t.answer })),
    findings: answered.flatMap((t) => t.findings),
    ...(last?.scratchpad ? { scratchpad: last.scratchpad } : {}),
  };
}

/** A thread's whole cost: the sum of what each turn spent, and saved against remote-only. */
export interface ThreadTotals {
  turns: number;
  remoteTokens: number;
  remoteCostUsd: number | null;
  localRequests: number;
  cachedJobs: number;
  savedUsd: number | null;
}

export function threadTotals(thread: Thread): ThreadTotals {
  let remoteCost: number | null = 0;
  let saved: number | null = 0;
  const t: ThreadTotals = { turns: thread.turns.length, remoteTokens: 0, remoteCostUsd: 0, localRequests: 0, cachedJobs: 0, savedUsd: 0 };
  for (const turn of thread.turns) {
    const l = turn.ledger;
    t.remoteTokens += l.remote.promptTokens + l.remote.completionTokens;
    t.localRequests += l.local.requests;
    t.cachedJobs += l.local.cachedJobs ?? 0;
    remoteCost = remoteCost === null || l.remote.costUsd === null ? null : remoteCost + l.remote.costUsd;
    saved = saved === null || l.savings.costUsd === null ? null : saved + l.savings.costUsd;
  }
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1e8) / 1e8);
  return { ...t, remoteCostUsd: round(remoteCost), savedUsd: round(saved) };
}
