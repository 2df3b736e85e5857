// The ledger of a run that has none yet, and the latest one in an event list.
import type { LedgerSnapshot, RunEvent } from './events';

export function emptyLedger(): LedgerSnapshot {
  return {
    local: { requests: 0, promptTokens: 0, completionTokens: 0 },
    remote: { requests: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd: 0 },
    baseline: { remotePromptTokens: 0, remoteCompletionTokens: 0, costUsd: 0 },
    savings: { costUsd: 0, ratio: null },
  };
}

/** The ledger a run's events have reached: `usage`, `cancelled` and `run-finished` carry one. */
export function ledgerOf(event: RunEvent): LedgerSnapshot | undefined {
  return event.type === 'usage' || event.type === 'run-finished' || event.type === 'cancelled' ? event.ledger : undefined;
}

/** The last ledger in the events, or the empty one. */
export function lastLedger(events: readonly RunEvent[]): LedgerSnapshot {
  for (let i = events.length - 1; i >= 0; i--) {
    const ledger = ledgerOf(events[i]!);
    if (ledger) return ledger;
  }
  return emptyLedger();
}
