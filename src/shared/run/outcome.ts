// How a run ended, one vocabulary for the page, the history, the export and the CLI.

/** How a run ended. `interrupted`: the window closed or reloaded while it ran. */
export type RunOutcome = 'running' | 'ok' | 'failed' | 'cancelled' | 'interrupted';

/** Short words for lists (the history row, the export). */
export const OUTCOME_WORD: Record<RunOutcome, string> = {
  running: 'running', ok: 'finished', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted',
};

/** The header's label. */
export const OUTCOME_LABEL: Record<RunOutcome, string> = {
  running: 'Running',
  ok: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (the window closed while it ran)',
};

/**
 * Whether the run's remote-only baseline is known. The engine computes it over the chunks the
 * run read once the run has finished, so before that (and for a run that stopped early) the
 * ledger holds spend so far and no saving: comparing it with a zero baseline would read as a loss.
 */
export function hasBaseline(outcome: RunOutcome): boolean {
  return outcome === 'ok';
}

/** What the saving reads while there is none to show. */
export function pendingSaving(outcome: RunOutcome): string {
  return outcome === 'running' ? 'when the run ends' : 'none (the run did not finish)';
}
