// What a stored run keeps of its events.
import type { RunEvent } from './events';

/**
 * Drops what a stored run does not need to be shown again: `job-started` (every job ends with
 * `job-finished`), `model-call` (that is the log's business) and all but the last `usage`.
 * A run that never ended keeps its last ledger so the view still has one.
 */
export function compactEvents(events: readonly RunEvent[]): RunEvent[] {
  let lastUsage = -1;
  events.forEach((e, i) => { if (e.type === 'usage') lastUsage = i; });
  const finished = new Set<string>();
  for (const e of events) if (e.type === 'job-finished') finished.add(e.jobId);
  const answered = events.some((e) => e.type === 'answer');
  return events.filter((e, i) => {
    if (e.type === 'model-call') return false;
    // The streamed text is superseded by the answer; a run cut off mid-stream keeps what came.
    if (e.type === 'answer-delta') return !answered;
    if (e.type === 'usage') return i === lastUsage;
    if (e.type === 'job-started') return !finished.has(e.jobId);
    return true;
  });
}
