// Turns a run's events into MCP progress reports: one when a round starts, when the plan is
// known, and as local jobs finish ("round 1/3: 4/12 jobs done"). MCP requires `progress` to grow
// with every notification, so it counts finished jobs plus the round and plan milestones, and
// `total` grows as jobs are queued; the message says it in words.
import type { RunEvent } from '../../core/protocol/index';

export interface ProgressReport {
  progress: number;
  total?: number;
  message: string;
}

export class AskProgress {
  private round = 0;
  private maxRounds = 0;
  private milestones = 0;
  private queued = 0;
  private done = 0;

  constructor(private readonly report: (p: ProgressReport) => void) {}

  see(e: RunEvent): void {
    switch (e.type) {
      case 'round-started':
        this.round = e.round;
        this.maxRounds = e.maxRounds;
        this.milestones++;
        return this.send(`round ${e.round}/${e.maxRounds}: planning`);
      case 'plan':
        this.milestones++;
        return this.send(`round ${this.round}/${this.maxRounds}: ${e.tasks.length} task(s) planned`);
      case 'job-queued':
        this.queued++;
        return;
      case 'job-finished':
        this.done++;
        return this.send(`round ${this.round}/${this.maxRounds}: ${this.done}/${this.queued} jobs done`);
      case 'synthesis':
        this.milestones++;
        return this.send(e.decision === 'answer' ? `round ${this.round}/${this.maxRounds}: writing the answer` : `round ${this.round}/${this.maxRounds}: reading more`);
      default:
        return;
    }
  }

  private send(message: string): void {
    const progress = this.milestones + this.done;
    this.report({ progress, total: Math.max(progress, this.milestones + this.queued), message });
  }
}
