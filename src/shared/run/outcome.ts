// How a run ended, one vocabulary for the page, the history, the export and the CLI.

/**
 * How a run ended. `partial`: its plan or synthesis failed (or the spend cap stopped it) after
 * local jobs ran; the findings, the ledger and the error are kept. `interrupted`: the window
 * closed or reloaded while it ran.
 */
export type RunOutcome = 'running' | 'ok' | 'partial' | 'failed' | 'cancelled' | 'interrupted';

/** Short words for lists (the history row, the export). */
export const OUTCOME_WORD: Record<RunOutcome, string> = {
  running: 'running', ok: 'finished', partial: 'partial', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted',
};

/** The header's label. */
export const OUTCOME_LABEL: Record<RunOutcome, string> = {
  running: 'Running',
  ok: 'Finished',
  partial: 'Partial: the findings are kept, the answer failed',
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
  // A partial run's baselines are set over the jobs it kept, as a finished run's are.
  return outcome === 'ok' || outcome === 'partial';
}

/** What the saving reads while there is none to show. */
export function pendingSaving(outcome: RunOutcome): string {
  return outcome === 'running' ? 'when the run ends' : 'none (the run did not finish)';
}
