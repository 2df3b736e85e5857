// The final answer: sanitized markdown with clickable citations, announced to screen readers.

import type { Citation } from '../../core/protocol/events';
import { h, replaceChildren } from '../dom';
import { citationText } from '../../shared/run/format';
import { CITATION_CLASS, citationOf, type AnswerRenderer } from '../markdown';
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
    else {
      replaceChildren(this.body, this.renderer.render(markdown));
      this.labelDocumentCitations(view?.answer?.citations ?? []);
    }
  }

  /** PDF and notebook citations read by page or cell (`report.pdf p. 37`), as the host resolved them. */
  private labelDocumentCitations(citations: readonly Citation[]): void {
    for (const a of this.body.querySelectorAll(`a.${CITATION_CLASS}`)) {
      const c = citationOf(a);
      const known = c && citations.find((k) => k.path === c.path && k.startLine === c.startLine && (k.page || k.cell));
      if (known) {
        a.textContent = citationText(known);
        a.setAttribute('title', `Open ${citationText(known)}`);
      }
    }
  }
}
