// What the run cost and saved: the estimate before it and the spend against the cap, remote
// tokens and dollars, local tokens, both baselines (one line each, saying what each counts and
// how) and the saving against the smaller. Unknown prices read "unknown", never $0.

import { h, replaceChildren } from '../dom';
import { formatTokens, formatUsd, savingFigures } from '../../shared/run/format';
import type { LedgerSnapshot } from '../../shared/run/events';
import type { RunOutcome } from '../../shared/run/outcome';
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
    const estimate = view?.estimate;
    this.el.hidden = !ledger && !estimate;
    if (!ledger && !estimate) return;
    const rows: Row[] = [...(estimate ? estimateRows(estimate, ledger) : []), ...(ledger ? ledgerRows(ledger, view.outcome) : [])];
    const quality = view ? qualityDetail(view) : undefined;
    if (quality) rows.push({ id: 'quality', label: 'Quality', money: '', detail: quality });
    replaceChildren(this.body, ...rows.flatMap((row) => [
      h('dt', {}, row.label),
      h('dd', { 'data-row': row.id, 'data-loss': row.loss ?? false },
        h('span', { class: 'money' }, row.money), h('span', { class: 'detail' }, row.detail)),
    ]));
  }
}

interface Row { id: string; label: string; detail: string; money: string; loss?: boolean }

const calls = (n: number) => `${n} call${n === 1 ? '' : 's'}`;
const counted = (f: { estimated: boolean; tokenizer: string }) => (f.estimated ? `estimated with ${f.tokenizer}` : 'as billed');

/** Before and while the run: what it was expected to cost, and the spend against the cap. */
function estimateRows(estimate: NonNullable<RunView['estimate']>, ledger: LedgerSnapshot | undefined): Row[] {
  const { expected, remoteOnly, cap } = estimate;
  const rows: Row[] = [{
    id: 'estimate', label: 'Expected', money: formatUsd(expected.costUsd),
    detail: `before the run: ~${formatTokens(expected.promptTokens + expected.completionTokens)} remote tokens · remote-only ~${formatUsd(remoteOnly.costUsd)} · estimated with ${expected.tokenizer}`,
  }];
  if (cap.maxUsd !== undefined || cap.maxRemoteTokens !== undefined) {
    const spent = ledger?.remote;
    const parts = [
      cap.maxUsd !== undefined ? `${formatUsd(spent?.costUsd ?? 0)} of ${formatUsd(cap.maxUsd)}` : '',
      cap.maxRemoteTokens !== undefined ? `${formatTokens((spent?.promptTokens ?? 0) + (spent?.completionTokens ?? 0))} of ${formatTokens(cap.maxRemoteTokens)} tokens` : '',
    ].filter(Boolean);
    rows.push({ id: 'cap', label: 'Spend cap', money: parts[0]!, detail: `${parts.slice(1).join(' · ')}${parts.length > 1 ? ' · ' : ''}no request that could pass it is sent` });
  }
  return rows;
}

function ledgerRows(ledger: LedgerSnapshot, outcome: RunOutcome): Row[] {
  const { local, remote, baseline } = ledger;
  // Until the run has finished its baselines are not known: the rows show spend so far, and the
  // saving says when it will be known, never a loss against a baseline of zero.
  const saving = savingFigures(ledger, outcome);
  const cached = remote.cachedPromptTokens ? ` (${formatTokens(remote.cachedPromptTokens)} cached)` : '';
  const reasoning = remote.reasoningTokens ? ` (${formatTokens(remote.reasoningTokens)} reasoning)` : '';
  const unreported = remote.unreported ? ` · ${remote.unreported.requests} timed out, prompt estimated with ${remote.unreported.tokenizer}` : '';
  const b = saving.known ? ledger.baselines : undefined;
  const head = (key: 'sameContext' | 'remoteOnly') => (b?.headline === key ? ' (headline)' : '');
  // Rows carry their own id: the saving row keeps `data-row="saving"` whether it reads as a
  // saving or, when the run cost more than remote-only, as an extra cost (a positive amount).
  return [
    { id: 'remote', label: 'Remote', money: formatUsd(remote.costUsd),
      detail: `${formatTokens(remote.promptTokens)} in${cached} · ${formatTokens(remote.completionTokens)} out${reasoning} · ${calls(remote.requests)}${unreported}` },
    { id: 'local', label: 'Local', money: 'on this machine',
      detail: `${formatTokens(local.promptTokens)} in · ${formatTokens(local.completionTokens)} out · ${calls(local.requests)}` },
    ...(b
      ? [
        { id: 'same-context-baseline', label: `Same-context baseline${head('sameContext')}`, money: formatUsd(b.sameContext.costUsd),
          detail: `the remote reading every chunk the local jobs answered or abstained on, in ${calls(b.sameContext.calls)} that fit its context · ${formatTokens(b.sameContext.promptTokens)} in · ${formatTokens(b.sameContext.completionTokens)} out · ${counted(b.sameContext)}` },
        { id: 'remote-only-baseline', label: `Remote-only baseline${head('remoteOnly')}`, money: formatUsd(b.remoteOnly.costUsd),
          detail: `the one request remote-only would send for this question and scope · ${formatTokens(b.remoteOnly.promptTokens)} in · ${formatTokens(b.remoteOnly.completionTokens)} out · ${counted(b.remoteOnly)}` },
      ]
      : [{ id: 'remote-only-baseline', label: 'Remote-only baseline', money: saving.known ? formatUsd(baseline.costUsd) : saving.saved,
        detail: saving.known ? `${formatTokens(baseline.remotePromptTokens)} in · ${formatTokens(baseline.remoteCompletionTokens)} out` : '' }]),
    { id: 'saving', label: saving.loss ? 'Extra cost' : 'Saving', money: saving.loss ? saving.extra : saving.saved, loss: saving.loss,
      detail: saving.known
        ? `${saving.costRatio} · ${saving.costPercent} · ${saving.tokenRatio}${b ? ' · against the smaller baseline' : ''}`
        : `spent so far ${formatUsd(remote.costUsd)}` },
  ];
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
