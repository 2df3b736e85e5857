// The remote's plan, round by round: each task's instruction, scope globs and keywords, and
// what the synthesis decided at the end of the round.

import { h, replaceChildren } from '../dom';
import type { RunView } from '../../shared/run/view';

export class PlanView {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'plan-rounds' });

  constructor() {
    this.el = h('section', { class: 'plan', id: 'plan', 'aria-labelledby': 'plan-title', hidden: true },
      h('h3', { id: 'plan-title' }, 'Plan'), this.body);
  }

  update(view: RunView | undefined): void {
    const rounds = view?.rounds ?? [];
    this.el.hidden = rounds.length === 0;
    replaceChildren(this.body, ...rounds.map((round) => {
      const tasks = h('ol', { class: 'tasks' }, ...round.tasks.map((task) =>
        h('li', { class: 'task' },
          h('span', { class: 'task-text' }, task.instruction),
          h('span', { class: 'task-scope' }, task.globs.length
            ? h('span', {}, 'in ', ...task.globs.flatMap((g, i) => [i ? ', ' : '', h('code', {}, g)]))
            : h('span', { class: 'muted' }, 'whole scope')),
          task.keywords.length
            ? h('span', { class: 'keywords', 'aria-label': 'keywords' }, ...task.keywords.map((k) => h('span', { class: 'chip' }, k)))
            : null)));
      const synthesis = round.synthesis
        ? h('p', { class: 'synthesis' }, round.synthesis.decision === 'answer'
          ? 'Synthesis: ready to answer.'
          : `Synthesis: needs another round${round.synthesis.missing ? ` — missing: ${round.synthesis.missing}` : ''}.`)
        : null;
      return h('div', { class: 'round' },
        h('h4', {}, `Round ${round.round}${round.tasks.length ? ` · ${round.tasks.length} task${round.tasks.length === 1 ? '' : 's'}` : ' · planning…'}`),
        round.advice ? h('p', { class: 'advice' }, `Advice to workers: ${round.advice}`) : null,
        tasks, synthesis);
    }));
  }
}
