// Past runs in this workspace: reopen, export as Markdown, delete.

import { h, replaceChildren } from '../dom';
import { formatMs, formatUsd, savingPhrase } from '../../shared/run/format';
import { OUTCOME_WORD } from '../../shared/run/outcome';
import type { RunSummary } from '../../shared/messages';

export interface HistoryActions {
  open(runId: string): void;
  exportRun(runId: string): void;
  remove(runId: string): void;
}

export class HistoryView {
  readonly el: HTMLElement;
  private readonly list = h('ul', { class: 'history-list', id: 'history-list' });
  private readonly empty = h('p', { class: 'muted' }, 'No runs yet in this workspace.');

  constructor(private readonly actions: HistoryActions) {
    this.el = h('section', { class: 'history', id: 'history', 'aria-labelledby': 'history-title' },
      h('h3', { id: 'history-title' }, 'History'), this.empty, this.list);
  }

  update(runs: readonly RunSummary[], shownRunId: string | undefined): void {
    this.empty.hidden = runs.length > 0;
    replaceChildren(this.list, ...runs.map((run) => {
      const open = h('button', { type: 'button', class: 'link history-open', title: 'Reopen this run' }, run.question);
      open.addEventListener('click', () => this.actions.open(run.runId));
      const exportButton = h('button', { type: 'button', class: 'secondary', 'aria-label': `Export "${run.question}" as Markdown` }, 'Export');
      exportButton.addEventListener('click', () => this.actions.exportRun(run.runId));
      const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete "${run.question}" from history` }, 'Delete');
      remove.addEventListener('click', () => this.actions.remove(run.runId));
      const meta = [
        new Date(run.startedAt).toLocaleString(),
        OUTCOME_WORD[run.outcome],
        run.ms !== undefined ? formatMs(run.ms) : '',
        `${run.jobs} job${run.jobs === 1 ? '' : 's'}`,
        `spent ${formatUsd(run.remoteCostUsd)}`,
        savingPhrase(run.savedUsd, run.outcome),
      ].filter(Boolean).join(' · ');
      return h('li', { class: 'history-item', 'data-run-id': run.runId, 'aria-current': run.runId === shownRunId ? 'true' : undefined },
        open, h('span', { class: 'history-meta' }, meta), h('span', { class: 'history-actions' }, exportButton, remove));
    }));
  }
}
