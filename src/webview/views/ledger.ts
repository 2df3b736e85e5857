// What the run cost and saved: remote tokens and dollars, local tokens, the remote-only
// baseline for the same context, and the saving. Unknown prices read "unknown", never $0.

import { h, replaceChildren } from '../dom';
import { formatTokens, formatUsd, savingFigures } from '../format';
import type { RunView } from '../state';

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
    const saving = savingFigures(ledger);
    const cached = remote.cachedPromptTokens ? ` (${formatTokens(remote.cachedPromptTokens)} cached)` : '';
    const rows: [string, string, string][] = [
      ['Remote', `${formatTokens(remote.promptTokens)} in${cached} · ${formatTokens(remote.completionTokens)} out · ${remote.requests} call${remote.requests === 1 ? '' : 's'}`, formatUsd(remote.costUsd)],
      ['Local', `${formatTokens(local.promptTokens)} in · ${formatTokens(local.completionTokens)} out · ${local.requests} call${local.requests === 1 ? '' : 's'}`, 'on this machine'],
      ['Remote-only baseline', `${formatTokens(baseline.remotePromptTokens)} in · ${formatTokens(baseline.remoteCompletionTokens)} out`, formatUsd(baseline.costUsd)],
      // A loss is labelled as one, so its amount reads positive ("Extra cost $0.0010", not "-$0.0010").
      [saving.loss ? 'Extra cost' : 'Saving', `${saving.costRatio} · ${saving.costPercent} · ${saving.tokenRatio}`, saving.loss ? saving.extra : saving.saved],
    ];
    replaceChildren(this.body, ...rows.flatMap(([label, detail, money]) => [
      h('dt', {}, label),
      h('dd', { 'data-row': label === 'Extra cost' ? 'saving' : label.toLowerCase().replace(/[^a-z]+/g, '-'), ...(label === 'Extra cost' ? { 'data-loss': '' } : {}) },
        h('span', { class: 'money' }, money), h('span', { class: 'detail' }, detail)),
    ]));
  }
}
