// Messages between the extension host and the panel's webview: one discriminated union each
// way, defined once here and imported by both sides so they cannot drift apart. The host
// validates every incoming WebviewToHost message with `parseWebviewMessage` before acting:
// a webview runs model output, so anything it sends is treated as untrusted input.

import type { RunEvent } from './run/events';
import { MAX_QUESTION_CHARS } from './run/events';
import type { RunSummary } from './run/summary';

export type { RunOutcome } from './run/outcome';
export type { RunSummary } from './run/summary';
export { MAX_QUESTION_CHARS };

/** A conversation as the panel shows it: each turn's question, answer and cost, and the thread's totals. */
export interface ThreadPanelView {
  id: string;
  turns: { turn: number; runId: string; question: string; answer: string; outcome: string; stale: number; remoteCostUsd: number | null; savedUsd: number | null; cachedJobs: number }[];
  totals: { turns: number; remoteTokens: number; remoteCostUsd: number | null; localRequests: number; cachedJobs: number; savedUsd: number | null };
}

/** One line of the conversation list. */
export interface ThreadSummary {
  id: string;
  title: string;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

/** A notice the panel shows inline (what happened, what to do). */
export interface PanelNotice {
  level: 'info' | 'error';
  message: string;
  hint?: string;
}

export type HostToWebview =
  /** Answer to `ready`: the history and which run is live now (if any). */
  | { type: 'init'; title: string; history?: RunSummary[]; liveRunId?: string }
  /** One event of the live run. */
  | { type: 'run-event'; runId: string; event: RunEvent }
  /** Several events of the live run, in order (the host coalesces bursts, e.g. a thousand jobs). */
  | { type: 'run-events'; runId: string; events: RunEvent[] }
  /** Replace the view with this run (a reopened past run, or the live run after the webview reloaded). */
  | { type: 'show-run'; runId: string; events: RunEvent[]; live: boolean }
  | { type: 'history'; runs: RunSummary[] }
  | { type: 'notice'; notice: PanelNotice }
  /** The conversation the next follow-up continues (none: the next question starts one). */
  | { type: 'thread'; thread?: ThreadPanelView }
  | { type: 'threads'; threads: ThreadSummary[] };

export type WebviewToHost =
  /** The webview (re)loaded; `viewingRunId` is the run its saved state shows. */
  | { type: 'ready'; viewingRunId?: string }
  | { type: 'ask'; question: string }
  | { type: 'cancel' }
  | { type: 'open-citation'; path: string; startLine: number; endLine: number }
  | { type: 'open-run'; runId: string }
  | { type: 'export-run'; runId: string }
  /** Retry answer: synthesize a partial run again from its saved findings (no local job runs). */
  | { type: 'retry-answer'; runId: string }
  | { type: 'delete-run'; runId: string }
  /** A question asked in the follow-up box: it continues the current conversation. */
  | { type: 'follow-up'; question: string }
  | { type: 'new-conversation' }
  | { type: 'open-thread'; threadId: string }
  | { type: 'export-thread'; threadId: string }
  | { type: 'delete-thread'; threadId: string };

const MAX_PATH_CHARS = 4096;
const MAX_LINE = 10_000_000;
const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a string can be a run id (also keeps ids safe to use as file names). */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID.test(value) && value !== '.' && value !== '..';
}

/**
 * Returns the message when it is well-formed, otherwise undefined (the host drops it).
 * Only the fields of the message type are copied, so extra properties never reach the host.
 * Whether a citation's path lies inside the workspace is checked by the host, which knows the
 * workspace folders (see src/extension/panel/citation-target.ts).
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      if (m.viewingRunId === undefined) return { type: 'ready' };
      return isRunId(m.viewingRunId) ? { type: 'ready', viewingRunId: m.viewingRunId } : undefined;
    case 'cancel':
      return { type: 'cancel' };
    case 'ask':
    case 'follow-up':
      return typeof m.question === 'string' && m.question.trim().length > 0 && m.question.length <= MAX_QUESTION_CHARS
        ? { type: m.type, question: m.question }
        : undefined;
    case 'new-conversation':
      return { type: 'new-conversation' };
    case 'open-thread':
    case 'export-thread':
    case 'delete-thread':
      return isRunId(m.threadId) && m.threadId.startsWith('thread-') ? { type: m.type, threadId: m.threadId } : undefined;
    case 'open-citation': {
      const { path, startLine, endLine } = m;
      if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_CHARS || path.includes('\0')) return undefined;
      if (!isLine(startLine) || !isLine(endLine) || endLine < startLine) return undefined;
      return { type: 'open-citation', path, startLine, endLine };
    }
    case 'open-run':
    case 'export-run':
    case 'retry-answer':
    case 'delete-run':
      return isRunId(m.runId) ? { type: m.type, runId: m.runId } : undefined;
    default:
      return undefined;
  }
}

function isLine(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_LINE;
}
