// The final answer: sanitized markdown with clickable citations, announced to screen readers.
// While the remote writes it, the text so far is rendered the same way at every step (so a
// partial answer is as inert as a whole one); its last, possibly half-written word stays plain
// text until a space follows it, so a citation becomes a link only once it is complete.

import { h, replaceChildren } from '../dom';
import { citationText } from '../../shared/run/format';
import { CITATION_CLASS, citationOf, type AnswerRenderer } from '../markdown';
import type { RunView } from '../../shared/run/view';
import type { Citation, CitationCheck } from '../../shared/run/events';

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
    // The same words with other citation checks (another run) must be drawn again.
    const key = `${streaming !== undefined ? 's' : 'f'}${markdown ?? ''}\u0000${JSON.stringify(view?.answer?.checks ?? null)}`;
    if (key === this.rendered) return;
    this.rendered = key;
    if (markdown === undefined) replaceChildren(this.body);
    else if (streaming === undefined) {
      replaceChildren(this.body, this.renderer.render(markdown));
      this.labelDocumentCitations(view?.answer?.citations ?? []);
      markUnsupported(this.body, view?.answer?.checks);
    } else {
      // The last, possibly half-written word stays plain text: a citation links once complete.
      const cut = Math.max(streaming.lastIndexOf(' '), streaming.lastIndexOf('\n')) + 1;
      const whole = this.renderer.render(streaming.slice(0, cut));
      const tail = streaming.slice(cut);
      replaceChildren(this.body, whole, h('span', { class: 'streaming-tail' }, tail), h('span', { class: 'caret', 'aria-hidden': 'true' }, '▍'));
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

/**
 * Citations no verified finding supports are the remote's own claim about code it never saw:
 * each becomes plain marked text saying so, not an ordinary link.
 */
function markUnsupported(body: HTMLElement, checks: readonly CitationCheck[] | undefined): void {
  if (!checks?.length) return;
  for (const a of [...body.querySelectorAll('a[data-path]')]) {
    const c = citationOf(a);
    const check = c && checks.find((k) => k.path === c.path && k.startLine === c.startLine && k.endLine === c.endLine);
    if (!check || check.status === 'supported') continue;
    const why = check.status === 'outside-file' ? 'outside its file' : 'no verified finding supports it';
    const span = h('span', { class: `citation-unsupported ${check.status}`, title: `Unsupported citation: ${why}` }, a.textContent ?? '', ` (unsupported: ${why})`);
    a.replaceWith(span);
  }
}
