// Which finished local jobs are worth keeping beyond their run: the job cache stores them and a
// conversation carries their findings into the next turn. One place, so the rule cannot drift.
//
// Findings are meant to count only once verified (their quote found in their chunk at the cited
// lines). Until the engine marks jobs `verified`, every answered job counts: switch
// `isKeptFinding` to `verified === true` when that flag exists.
import type { JobStatus } from './events';

export interface FinishedJob {
  status: JobStatus;
  /** Set by the engine's local verification of findings, where it runs. */
  verified?: boolean;
}

/** An answered job whose finding may be shown again without reading its chunk again. */
export function isKeptFinding(job: FinishedJob): boolean {
  return job.status === 'answered';
}

/** A job whose result may be stored in the job cache: a kept finding, or an abstention (the chunk said nothing for the task). */
export function isCacheableJob(job: FinishedJob): boolean {
  return job.status === 'abstained' || isKeptFinding(job);
}
