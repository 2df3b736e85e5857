// Which finished local jobs are worth keeping beyond their run: the job cache stores them and a
// conversation carries their findings into the next turn. One place, so the rule cannot drift.
//
// A finding counts only once verified (its quote found in its chunk at the cited lines): an
// unverified one is shown to the user but never cached, carried into a thread or sent as evidence.
import type { JobStatus } from './events';

export interface FinishedJob {
  status: JobStatus;
  /** Set by the engine's local verification of findings, where it runs. */
  verified?: boolean;
}

/** An answered job whose finding may be shown again without reading its chunk again. */
export function isKeptFinding(job: FinishedJob): boolean {
  return job.status === 'answered' && job.verified === true;
}

/** A job whose result may be stored in the job cache: a kept finding, or an abstention (the chunk said nothing for the task). */
export function isCacheableJob(job: FinishedJob): boolean {
  return job.status === 'abstained' || isKeptFinding(job);
}
