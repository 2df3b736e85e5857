// The final answer: sanitized markdown with clickable citations, announced to screen readers.

import { h, replaceChildren } from '../dom';
import type { AnswerRenderer } from '../markdown';
import type { RunView } from '../../shared/run/view';

export class AnswerView {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'markdown', id: 'answer-body', 'aria-live': 'polite' });
  private rendered: string | undefined;

  constructor(private readonly renderer: AnswerRenderer) {
    this.el = h('section', { class: 'answer', id: 'answer', 'aria-labelledby': 'answer-title', hidden: true },
      h('h3', { id: 'answer-title' }, 'Answer'), this.body);
  }

  update(view: RunView | undefined): void {
    const markdown = view?.answer?.markdown;
    this.el.hidden = markdown === undefined;
    if (markdown === this.rendered) return;
    this.rendered = markdown;
    if (markdown === undefined) replaceChildren(this.body);
    else replaceChildren(this.body, this.renderer.render(markdown));
  }
}
