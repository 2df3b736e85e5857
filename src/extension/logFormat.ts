// One readable line per RunEvent for the "Minions" output channel. Pure, so the format the
// TextMate grammar (syntaxes/minions-log.tmLanguage.json) colours is pinned by unit tests.
// Lines never contain prompts, file contents or keys: only roles, models, counts and paths.

import type { RunEvent } from '../core/protocol/events';

function time(now: Date): string {
  return now.toISOString().slice(11, 23);
}

function usage(u: { promptTokens: number; completionTokens: number; cachedPromptTokens?: number }): string {
  const cached = u.cachedPromptTokens ? ` (${u.cachedPromptTokens} cached)` : '';
  return `${u.promptTokens} in${cached} / ${u.completionTokens} out tok`;
}

function usd(v: number | null): string {
  if (v === null) return 'unpriced';
  return v < 0 ? `-$${(-v).toFixed(4)}` : `$${v.toFixed(4)}`;
}

/** The log line for an event, or undefined for events too chatty to log (job queued/started). */
export function formatRunEvent(event: RunEvent, now: Date = new Date()): string | undefined {
  const t = time(now);
  switch (event.type) {
    case 'run-started':
      return `${t} [run] started ${event.runId} protocol=${event.protocol} local=${event.localModel} remote=${event.remoteModel}` +
        (event.scope.length ? ` scope=${event.scope.join(',')}` : '');
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
      return `${t} [run] cancelled; remote ${usd(event.ledger.remote.costUsd)}`;
    case 'run-finished': {
      const l = event.ledger;
      return `${t} [run] finished ok=${event.ok} rounds=${event.rounds} ${Math.round(event.ms)} ms; remote ${l.remote.requests} req ${usage(l.remote)} ${usd(l.remote.costUsd)}; local ${l.local.requests} req ${usage(l.local)}; baseline ${usd(l.baseline.costUsd)}; saved ${usd(l.savings.costUsd)}`;
    }
    case 'conversation':
      return `${t} [run] follow-up: turn ${event.turn} of ${event.thread}, ${event.earlierTurns} earlier turn(s), ${event.findings} finding(s) kept, ${event.stale.length} stale`;
    case 'job-queued':
    case 'job-started':
    case 'usage':
    case 'answer-delta':
      return undefined;
  }
}

/** Removes every occurrence of the given secrets (API keys) from a line, as a last line of defence. */
export function redact(line: string, secrets: readonly (string | undefined)[]): string {
  let out = line;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  // Common key shapes, in case an upstream message echoes one we do not hold.
  return out.replace(/\bsk-[A-Za-z0-9_-]{16,}\b/g, 'sk-[redacted]').replace(/\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g, 'Bearer [redacted]');
}
