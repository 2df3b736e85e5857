// The run's header: the question, models, round, outcome, and the Cancel button.

import { h, replaceChildren } from '../dom';
import { formatMs } from '../../shared/run/format';
import { OUTCOME_LABEL } from '../../shared/run/outcome';
import type { RunView } from '../../shared/run/view';

export class HeaderView {
  readonly el: HTMLElement;
  private readonly question = h('h2', { class: 'question', id: 'run-question' });
  private readonly meta = h('p', { class: 'run-meta', id: 'run-meta' });
  private readonly status = h('span', { class: 'run-status', id: 'run-status', role: 'status' });
  readonly cancelButton = h('button', { type: 'button', id: 'cancel', class: 'secondary', title: 'Stop the run (Escape)' }, 'Cancel');
  /** A partial run kept its findings: answer again from them (no local job runs again). */
  readonly retryButton = h('button', { type: 'button', id: 'retry-answer', title: 'Run only the answer again, on the saved findings' }, 'Retry answer');
  private readonly reason = h('p', { class: 'run-meta', id: 'protocol-reason' });
  private shownRunId: string | undefined;

  constructor(onCancel: () => void, onRetry: (runId: string) => void = () => undefined) {
    this.cancelButton.addEventListener('click', onCancel);
    this.retryButton.addEventListener('click', () => {
      if (this.shownRunId) onRetry(this.shownRunId);
    });
    this.el = h('section', { class: 'run-header', 'aria-labelledby': 'run-question', hidden: true },
      this.question, h('div', { class: 'run-line' }, this.status, this.cancelButton, this.retryButton), this.meta, this.reason);
  }

  update(view: RunView | undefined, isLive: boolean): void {
    this.el.hidden = !view;
    if (!view) return;
    this.question.textContent = view.question || '(question not recorded)';
    const running = view.outcome === 'running' && isLive;
    this.cancelButton.hidden = !running;
    this.cancelButton.disabled = !running;
    this.shownRunId = view.runId;
    const retry = view.outcome === 'partial' && view.jobs.some((j) => j.status === 'answered');
    this.retryButton.hidden = !retry;
    this.retryButton.disabled = !retry;
    this.reason.hidden = !view.protocolReason;
    this.reason.textContent = view.protocolReason ? `auto chose ${view.protocol}: ${view.protocolReason}` : '';
    const round = view.maxRounds > 0 ? ` · round ${view.round} of ${view.maxRounds}` : '';
    const time = view.ms !== undefined ? ` in ${formatMs(view.ms)}` : '';
    this.status.className = `run-status outcome-${view.outcome}`;
    // The run's state for anyone who waits on it (tests, assistive tech): "running" until it
    // ends, then ok, failed, cancelled or interrupted: `#run-status[data-outcome="ok"]`.
    this.status.dataset.outcome = view.outcome;
    this.status.textContent = `${OUTCOME_LABEL[view.outcome]}${time}${round}`;
    const parts = [
      `${view.protocol}`,
      view.localModel && `local ${view.localModel}`,
      view.remoteModel && `remote ${view.remoteModel}`,
      view.startedAt ? new Date(view.startedAt).toLocaleString() : '',
      view.scope.length ? `scope: ${view.scope.join(', ')}` : '',
    ].filter(Boolean);
    replaceChildren(this.meta, parts.join(' · '));
  }
}
