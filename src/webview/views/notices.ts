// Inline notices from the host (a refused citation, a failed export) and the run's errors,
// each with what happened and what to do.

import { h, replaceChildren } from '../dom';
import type { PanelNotice } from '../../shared/messages';
import type { RunView } from '../../shared/run/view';

export class NoticesView {
  readonly el: HTMLElement;
  private notices: PanelNotice[] = [];
  private runErrors: RunView['errors'] = [];

  constructor() {
    this.el = h('section', { class: 'notices', id: 'notices', 'aria-live': 'assertive' });
  }

  push(notice: PanelNotice): void {
    this.notices = [...this.notices.slice(-4), notice];
    this.draw();
  }

  update(view: RunView | undefined): void {
    this.runErrors = view?.errors ?? [];
    this.draw();
  }

  private draw(): void {
    const items = [
      ...this.runErrors.map((e) => ({ level: 'error' as const, message: e.message, hint: e.hint, dismiss: undefined })),
      ...this.notices.map((n, i) => ({ ...n, dismiss: i })),
    ];
    replaceChildren(this.el, ...items.map((item) => {
      const close = item.dismiss !== undefined
        ? h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss' }, '×')
        : null;
      close?.addEventListener('click', () => {
        this.notices = this.notices.filter((_, i) => i !== item.dismiss);
        this.draw();
      });
      return h('div', { class: `notice notice-${item.level}`, role: item.level === 'error' ? 'alert' : 'status' },
        h('span', { class: 'notice-message' }, item.message), item.hint ? h('span', { class: 'notice-hint' }, item.hint) : null, close);
    }));
  }
}
