// One readable line per RunEvent for the "Minions" output channel. Pure, so the format the
// TextMate grammar (syntaxes/minions-log.tmLanguage.json) colours is pinned by unit tests.
// Lines never contain prompts, file contents or keys: only roles, models, counts and paths.

import type { RunEvent } from '../core/protocol/events';
import { formatUsd } from '../shared/run/format';

function time(now: Date): string {
  return now.toISOString().slice(11, 23);
}

function usage(u: { promptTokens: number; completionTokens: number; cachedPromptTokens?: number }): string {
  const cached = u.cachedPromptTokens ? ` (${u.cachedPromptTokens} cached)` : '';
  return `${u.promptTokens} in${cached} / ${u.completionTokens} out tok`;
}

/** The log line for an event, or undefined for events too chatty to log (job queued/started). */
export function formatRunEvent(event: RunEvent, now: Date = new Date()): string | undefined {
  const t = time(now);
  switch (event.type) {
    case 'run-started':
      return `${t} [run] started ${event.runId} protocol=${event.protocol} local=${event.localModel} remote=${event.remoteModel}` +
        (event.scope.length ? ` scope=${event.scope.join(',')}` : '');
    case 'estimate': {
      const cap = [event.cap.maxUsd !== undefined ? formatUsd(event.cap.maxUsd) : '', event.cap.maxRemoteTokens !== undefined ? `${event.cap.maxRemoteTokens} tokens` : ''].filter(Boolean).join(', ');
      return `${t} [run] expected ~${event.expected.promptTokens + event.expected.completionTokens} remote tokens ${formatUsd(event.expected.costUsd)}; remote-only ~${formatUsd(event.remoteOnly.costUsd)} (estimated with ${event.expected.tokenizer})${cap ? `; cap ${cap}` : ''}`;
    }
    case 'round-started':
      return `${t} [run] round ${event.round}/${event.maxRounds}`;
    case 'plan':
      return `${t} [plan] round ${event.round}: ${event.tasks.length} task(s)`;
    case 'model-call': {
      const status = event.ok ? 'ok' : `ERROR ${event.error?.code ?? ''} ${event.error?.message ?? ''}`.trimEnd();
      return `${t} [${event.role}] ${event.model} ${event.purpose} ${usage(event.usage)} ${Math.round(event.ms)} ms ${status}`;
    }
    case 'job-finished': {
      const where = event.citation ? ` ${event.citation.path}:${event.citation.startLine}` : '';
      const err = event.status === 'failed' && event.error ? ` ERROR ${event.error.code} ${event.error.message}` : '';
      return `${t} [job] ${event.jobId} ${event.status}${event.cached ? ' (cached)' : ''}${where} ${Math.round(event.ms)} ms${err}`;
    }
    case 'synthesis':
      return `${t} [remote] synthesis round ${event.round}: ${event.decision}`;
    case 'answer':
      return `${t} [run] answer with ${event.citations.length} citation(s)`;
    case 'error':
      return `${t} [run] ${event.fatal ? 'ERROR' : 'WARNING'} ${event.error.code}: ${event.error.message}` + (event.error.hint ? ` — ${event.error.hint}` : '');
    case 'cancelled':
      return `${t} [run] cancelled; remote ${formatUsd(event.ledger.remote.costUsd)}`;
    case 'run-finished': {
      const l = event.ledger;
      return `${t} [run] finished ok=${event.ok}${event.status ? ` status=${event.status}` : ''}${event.reason ? ` reason=${event.reason}` : ''} rounds=${event.rounds} ${Math.round(event.ms)} ms; remote ${l.remote.requests} req ${usage(l.remote)} ${formatUsd(l.remote.costUsd)}; local ${l.local.requests} req ${usage(l.local)}; baseline ${formatUsd(l.baseline.costUsd)}; saved ${formatUsd(l.savings.costUsd)}`;
    }
    case 'conversation':
      return `${t} [run] follow-up: turn ${event.turn} of ${event.thread}, ${event.earlierTurns} earlier turn(s), ${event.findings} finding(s) kept, ${event.stale.length} stale`;
    case 'job-queued':
    case 'job-started':
    case 'usage':
    // What was sent is in the run (panel, export); the log keeps the one-line model-call instead.
    case 'remote-request':
    case 'answer-delta':
      return undefined;
  }
}
