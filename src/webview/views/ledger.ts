// What the run cost and saved: remote tokens and dollars, local tokens, the remote-only
// baseline for the same context, and the saving. Unknown prices read "unknown", never $0.

import { h, replaceChildren } from '../dom';
import { formatTokens, formatUsd, savingFigures } from '../../shared/run/format';
import type { RunView } from '../../shared/run/view';

export class LedgerView {
  readonly el: HTMLElement;
  private readonly body = h('dl', { class: 'ledger-grid' });

  constructor() {
    this.el = h('section', { class: 'ledger', id: 'ledger', 'aria-labelledby': 'ledger-title', hidden: true },
      h('h3', { id: 'ledger-title' }, 'Ledger'), this.body);
  }

  update(view: RunView | undefined): void {
    const ledger = view?.ledger;
    this.el.hidden = !ledger;
    if (!ledger) return;
    const { local, remote, baseline } = ledger;
    // Until the run has finished its baseline is not known: the rows show spend so far, and the
    // saving says when it will be known, never a loss against a baseline of zero.
    const saving = savingFigures(ledger, view.outcome);
    const cached = remote.cachedPromptTokens ? ` (${formatTokens(remote.cachedPromptTokens)} cached)` : '';
    // Rows carry their own id: the saving row keeps `data-row="saving"` whether it reads as a
    // saving or, when the run cost more than remote-only, as an extra cost (a positive amount).
    const rows: { id: string; label: string; detail: string; money: string; loss?: boolean }[] = [
      { id: 'remote', label: 'Remote', money: formatUsd(remote.costUsd),
        detail: `${formatTokens(remote.promptTokens)} in${cached} · ${formatTokens(remote.completionTokens)} out · ${remote.requests} call${remote.requests === 1 ? '' : 's'}` },
      { id: 'local', label: 'Local', money: 'on this machine',
        detail: `${formatTokens(local.promptTokens)} in · ${formatTokens(local.completionTokens)} out · ${local.requests} call${local.requests === 1 ? '' : 's'}` },
      { id: 'remote-only-baseline', label: 'Remote-only baseline', money: saving.known ? formatUsd(baseline.costUsd) : saving.saved,
        detail: saving.known ? `${formatTokens(baseline.remotePromptTokens)} in · ${formatTokens(baseline.remoteCompletionTokens)} out` : '' },
      { id: 'saving', label: saving.loss ? 'Extra cost' : 'Saving', money: saving.loss ? saving.extra : saving.saved, loss: saving.loss,
        detail: saving.known ? `${saving.costRatio} · ${saving.costPercent} · ${saving.tokenRatio}` : `spent so far ${formatUsd(remote.costUsd)}` },
    ];
    const quality = qualityDetail(view);
    if (quality) rows.push({ id: 'quality', label: 'Quality', money: '', detail: quality });
    replaceChildren(this.body, ...rows.flatMap((row) => [
      h('dt', {}, row.label),
      h('dd', { 'data-row': row.id, 'data-loss': row.loss ?? false },
        h('span', { class: 'money' }, row.money), h('span', { class: 'detail' }, row.detail)),
    ]));
  }
}

/** Evidence checks and answer citations in one line (MinionS runs, which verify findings). */
function qualityDetail(view: RunView): string | undefined {
  const checked = view.jobs.filter((j) => j.status === 'answered' && j.verified !== undefined);
  const checks = view.answer?.checks;
  if (checked.length === 0 && !checks) return undefined;
  const unverified = checked.filter((j) => j.verified === false).length;
  const parts = [`${checked.length - unverified} verified finding${checked.length - unverified === 1 ? '' : 's'}`, `${unverified} unverified (not sent)`];
  if (checks) parts.push(`${checks.filter((c) => c.status !== 'supported').length} of ${checks.length} answer citation${checks.length === 1 ? '' : 's'} unsupported`);
  return parts.join(' · ');
}
