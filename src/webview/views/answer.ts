// The final answer: sanitized markdown with clickable citations, announced to screen readers.
// While the remote writes it, the text so far is rendered the same way at every step (so a
// partial answer is as inert as a whole one); its last, possibly half-written word stays plain
// text until a space follows it, so a citation becomes a link only once it is complete.

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
    const final = view?.answer?.markdown;
    const streaming = final === undefined ? view?.streaming : undefined;
    const markdown = final ?? streaming;
    this.el.hidden = markdown === undefined || (streaming !== undefined && streaming === '');
    this.el.classList.toggle('streaming', streaming !== undefined);
    const key = `${streaming !== undefined ? 's' : 'f'}${markdown ?? ''}`;
    if (key === this.rendered) return;
    this.rendered = key;
    if (markdown === undefined) replaceChildren(this.body);
    else if (streaming === undefined) replaceChildren(this.body, this.renderer.render(markdown));
    else {
      const cut = Math.max(streaming.lastIndexOf(' '), streaming.lastIndexOf('\n')) + 1;
      const whole = this.renderer.render(streaming.slice(0, cut));
      const tail = streaming.slice(cut);
      replaceChildren(this.body, whole, h('span', { class: 'streaming-tail' }, tail), h('span', { class: 'caret', 'aria-hidden': 'true' }, '▍'));
    }
  }
}
