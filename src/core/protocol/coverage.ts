// Coverage, not just findings: per task, what the workers read and what came of it. The remote
// cannot tell "nobody found it" from "nobody looked" without this; with it, it can say when the
// evidence is thin and ask again where relevant code was left unread.

export type JobOutcome = 'answered' | 'abstained' | 'unverified' | 'failed';

export interface TaskCoverage {
  round: number;
  task: string;
  /** Jobs that finished (any outcome). */
  read: number;
  answered: number;
  abstained: number;
  unverified: number;
  failed: number;
  /** Chunks above the relevance floor the task's cap (or the round's) left unread. */
  unread: number;
}

export class CoverageBook {
  readonly tasks = new Map<string, TaskCoverage>();

  planned(taskId: string, task: string, round: number, unread: number): void {
    this.tasks.set(taskId, { round, task, read: 0, answered: 0, abstained: 0, unverified: 0, failed: 0, unread });
  }

  record(taskId: string, outcome: JobOutcome): void {
    const c = this.tasks.get(taskId);
    if (!c) return;
    c.read++;
    c[outcome]++;
  }
}

/** One task's coverage in a few words, for the digest. */
export function coverageLine(c: TaskCoverage): string {
  const parts = [`${c.answered} answered`, `${c.abstained} abstained`];
  if (c.unverified) parts.push(`${c.unverified} unverified (left out)`);
  if (c.failed) parts.push(`${c.failed} failed`);
  const unread = c.unread ? `; ${c.unread} relevant chunk${c.unread === 1 ? '' : 's'} left unread` : '';
  return `read ${c.read} chunk${c.read === 1 ? '' : 's'}: ${parts.join(', ')}${unread}`;
}
