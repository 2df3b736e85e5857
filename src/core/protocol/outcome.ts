// How a run ends without losing what it paid for (issue 11). The tracker follows every job
// through the event stream, so that whatever stops a run (a fatal job error, a failed plan or
// synthesis, the spend cap, a cancel) every job still gets a terminal state, the findings stay
// available for an answer from them alone, and a round whose jobs all failed ends the run with
// that reason instead of an answer made from nothing.
import { MinionsError, type ErrorCode } from '../errors';
import type { CodeIndex } from '../index/types';
import type { Citation, EventError, JobInfo, RunEvent, RunStatus } from './events';
import type { Finding } from './digest';
import { scrubSource } from './privacy';

/** A finished job's finding as the events carry it (also what a saved run keeps). */
export interface SavedFinding {
  round: number;
  taskId?: string;
  task: string;
  citation: Citation;
  text: string;
  quote?: string;
}

export class JobTracker {
  private readonly jobs = new Map<string, { info: JobInfo; state: 'queued' | 'running' | 'done' }>();
  private readonly failures = new Map<string, { error: EventError; count: number }>();
  readonly findings: SavedFinding[] = [];
  private worked = 0;
  private failed = 0;

  see(e: RunEvent): void {
    if (e.type === 'job-queued') this.jobs.set(e.job.id, { info: e.job, state: 'queued' });
    else if (e.type === 'job-started') {
      const j = this.jobs.get(e.jobId);
      if (j) j.state = 'running';
    } else if (e.type === 'job-finished') {
      const j = this.jobs.get(e.jobId);
      if (j) j.state = 'done';
      if (e.status === 'failed') {
        if (e.error?.code === 'cancelled') return;
        this.failed++;
        const key = e.error?.code ?? 'internal';
        const f = this.failures.get(key) ?? { error: e.error ?? { code: 'internal', message: 'unknown error' }, count: 0 };
        f.count++;
        this.failures.set(key, f);
        return;
      }
      this.worked++;
      // Only verified findings are evidence for the remote (an unverified one was never sent).
      if (e.status === 'answered' && e.citation && e.verified !== false && j) {
        this.findings.push({ round: j.info.round, taskId: j.info.taskId, task: j.info.task, citation: e.citation, text: e.finding ?? '', ...(e.quote ? { quote: e.quote } : {}) });
      }
    }
  }

  /** Whether any local job finished with an answer or an abstention (the run has something to keep). */
  get anyWorked(): boolean {
    return this.worked > 0;
  }

  /** Whether local work was paid for at all (jobs that answered, abstained or failed). */
  get anyRan(): boolean {
    return this.worked + this.failed > 0;
  }

  /** Stops the run when jobs ran and every one failed: the remote must not answer from nothing. */
  throwIfAllFailed(): void {
    if (this.worked > 0 || this.failed === 0) return;
    const [top] = [...this.failures.values()].sort((a, b) => b.count - a.count);
    const cause = top ? top.error.message.replace(/\.$/, '') : 'unknown error';
    throw new MinionsError((top?.error.code as ErrorCode | undefined) ?? 'internal', `all ${this.failed} local jobs failed: ${cause}`, top?.error.hint);
  }

  /** `job-finished` events for every job not finished (queued or running), so none stays "running". */
  terminalEvents(reason: string): RunEvent[] {
    const out: RunEvent[] = [];
    for (const [id, j] of this.jobs) {
      if (j.state === 'done') continue;
      j.state = 'done';
      out.push({ type: 'job-finished', jobId: id, status: 'failed', error: { code: 'cancelled', message: `not finished: ${reason}` }, ms: 0 });
    }
    return out;
  }
}

/** The status and reason of a run that stopped with `error`: partial when local work was kept, failed otherwise. */
export function stoppedStatus(error: MinionsError, tracker: JobTracker | undefined): { status: Exclude<RunStatus, 'answered' | 'cancelled'>; reason: string } {
  const reason = error.code === 'budget-exceeded' ? 'budget' : error.code;
  return { status: tracker?.anyWorked ? 'partial' : 'failed', reason };
}

/**
 * Saved findings as the digest takes them. Under strict privacy the worker's words are scrubbed
 * against the code of the chunks they cite, as they were when first sent.
 */
export function toFindings(saved: readonly SavedFinding[], strict: boolean, index: CodeIndex | undefined): Finding[] {
  return saved.map((f, rank) => {
    const sources = strict && index ? index.chunksOf(f.citation.path).filter((c) => c.endLine >= f.citation.startLine && c.startLine <= f.citation.endLine).map((c) => c.text) : [];
    return {
      id: `F${rank + 1}`, round: f.round, taskId: f.taskId ?? f.task, task: f.task, citation: f.citation, rank,
      text: strict ? scrubSource(f.text, sources) : f.text,
      ...(!strict && f.quote ? { quote: f.quote } : {}),
    };
  });
}
