// Messages between the extension host and the panel's webview: one discriminated union each
// way, defined once here and imported by both sides so they cannot drift apart. The host
// validates every incoming WebviewToHost message with `parseWebviewMessage` before acting.

import type { RunEvent } from '../core/protocol/events';

export type HostToWebview =
  | { type: 'init'; title: string }
  | { type: 'run-event'; runId: string; event: RunEvent };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'ask'; question: string }
  | { type: 'cancel' }
  | { type: 'open-citation'; path: string; startLine: number; endLine: number };

/** Returns the message when it is well-formed, otherwise undefined (the host drops it). */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return { type: m.type };
    case 'ask':
      return typeof m.question === 'string' && m.question.trim().length > 0 && m.question.length <= 20_000
        ? { type: 'ask', question: m.question }
        : undefined;
    case 'open-citation': {
      const { path, startLine, endLine } = m;
      if (typeof path !== 'string' || path.length === 0 || path.length > 4096) return undefined;
      if (!Number.isInteger(startLine) || !Number.isInteger(endLine)) return undefined;
      if ((startLine as number) < 1 || (endLine as number) < (startLine as number)) return undefined;
      return { type: 'open-citation', path, startLine: startLine as number, endLine: endLine as number };
    }
    default:
      return undefined;
  }
}
