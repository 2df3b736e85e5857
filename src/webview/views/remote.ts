// What left this machine: every request the run sent to the remote, exactly as sent (the key
// travels in a header and is never here), with the reply, one collapsed entry per request, so
// a user can audit what the cloud saw. Text only: nothing here is rendered as markup.

import { h, replaceChildren } from '../dom';
import { formatMs, formatTokens } from '../../shared/run/format';
import type { RunView } from '../../shared/run/view';

export class RemoteRequestsView {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'remote-requests', id: 'remote-requests-list' });
  private drawn = 0;
  private runId: string | undefined;

  constructor() {
    this.el = h('section', { class: 'remote', id: 'remote-requests', 'aria-labelledby': 'remote-title', hidden: true },
      h('h3', { id: 'remote-title' }, 'What left this machine'),
      h('p', { class: 'muted' }, 'Each request sent to the remote model, exactly as sent (API key excluded), and its reply.'),
      this.list);
  }

  update(view: RunView | undefined): void {
    const requests = view?.remoteRequests ?? [];
    this.el.hidden = requests.length === 0;
    // Requests only ever append: draw the new ones, keep open entries open.
    if (view?.runId !== this.runId || requests.length < this.drawn) {
      this.runId = view?.runId;
      this.drawn = 0;
      replaceChildren(this.list);
    }
    for (let i = this.drawn; i < requests.length; i++) {
      const { purpose, model, attempt } = requests[i]!;
      const { messages, ...params } = attempt.body as { messages?: { role: string; content: string }[] };
      const usage = attempt.usage ? ` · ${formatTokens(attempt.usage.promptTokens)} in · ${formatTokens(attempt.usage.completionTokens)} out` : '';
      const state = attempt.ok ? 'answered' : attempt.timedOut ? 'timed out (may still be billed)' : 'failed';
      this.list.append(h('li', { 'data-request': i + 1 },
        h('details', {},
          h('summary', {}, `#${i + 1} ${purpose} · ${model} · ${state}${usage} · ${formatMs(attempt.ms)}`),
          ...(messages ?? []).flatMap((m) => [h('div', { class: 'rr-role' }, m.role), h('pre', { class: 'rr-content' }, m.content)]),
          h('div', { class: 'rr-role' }, 'parameters'), h('pre', { class: 'rr-content' }, JSON.stringify(params, null, 2)),
          h('div', { class: 'rr-role' }, attempt.ok ? `reply (${attempt.finishReason ?? 'stop'})` : 'error'),
          h('pre', { class: 'rr-content' }, attempt.ok ? (attempt.content ?? '') : (attempt.error?.message ?? '')))));
    }
    this.drawn = requests.length;
  }
}
