// The local jobs: a windowed list (only the rows in view are in the DOM, so a round of
// thousands of jobs scrolls and updates as fast as one of ten), status filters with counts,
// keyboard navigation (arrows, Home/End, PageUp/PageDown, Enter opens the citation), and a
// detail pane with the selected job's full finding.

import type { Citation, JobStatus } from '../../shared/run/events';
import { h, replaceChildren } from '../dom';
import { citationLabel, citationText, formatMs } from '../../shared/run/format';
import { citationLink } from '../markdown';
import { JOB_STATUSES, type JobView, type RunView } from '../../shared/run/view';
import { scrollToReveal, visibleRows } from '../window-range';

/** Must match `.job-row { height }` in panel.css. */
export const JOB_ROW_HEIGHT = 24;
const MAX_VIEWPORT_ROWS = 16;

type Filter = JobStatus | 'all';

export function jobCitation(job: JobView): Citation {
  return job.citation ?? { path: job.path, startLine: job.startLine, endLine: job.endLine };
}

export class JobsView {
  readonly el: HTMLElement;
  private readonly filters = h('div', { class: 'job-filters', role: 'group', 'aria-label': 'Show jobs by state' });
  private readonly viewport = h('div', {
    class: 'jobs-viewport', id: 'jobs-viewport', role: 'listbox', tabindex: 0, 'aria-label': 'Local jobs (arrow keys to move, Enter to open the citation)',
  });
  private readonly spacer = h('div', { class: 'jobs-spacer' });
  private readonly detail = h('div', { class: 'job-detail', id: 'job-detail', 'aria-live': 'polite' });
  private readonly title = h('h3', { id: 'jobs-title' }, 'Local jobs');
  private view: RunView | undefined;
  private filter: Filter = 'all';
  /** Indices into view.jobs for the current filter; undefined means all of them in order. */
  private rows: number[] | undefined;
  private selectedId: string | undefined;
  private filterButtons = new Map<Filter, HTMLButtonElement>();

  constructor(private readonly openCitation: (c: Citation) => void, private readonly onSelectionChange: () => void) {
    this.viewport.append(this.spacer);
    this.el = h('section', { class: 'jobs', id: 'jobs', 'aria-labelledby': 'jobs-title', hidden: true },
      this.title, this.filters, this.viewport, this.detail);
    for (const f of ['all', ...JOB_STATUSES] as Filter[]) {
      const b = h('button', { type: 'button', class: 'filter', 'data-filter': f, 'aria-pressed': f === 'all' ? 'true' : 'false' });
      b.addEventListener('click', () => this.setFilter(f));
      this.filterButtons.set(f, b);
      this.filters.append(b);
    }
    this.viewport.addEventListener('scroll', () => this.drawRows(), { passive: true });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.viewport.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('.job-row');
      if (row?.dataset.jobId) this.select(row.dataset.jobId, false);
    });
  }

  get selected(): string | undefined {
    return this.selectedId;
  }

  restore(filter: unknown, selectedId: unknown): void {
    if (typeof filter === 'string' && this.filterButtons.has(filter as Filter)) this.filter = filter as Filter;
    if (typeof selectedId === 'string') this.selectedId = selectedId;
  }

  get currentFilter(): Filter {
    return this.filter;
  }

  update(view: RunView | undefined): void {
    if (view !== this.view) {
      if (this.view !== undefined) this.selectedId = undefined;
      this.viewport.scrollTop = 0;
    }
    this.view = view;
    const total = view?.jobs.length ?? 0;
    this.el.hidden = total === 0;
    if (!view || total === 0) return;
    this.title.textContent = `Local jobs · ${total}`;
    for (const [f, b] of this.filterButtons) {
      b.textContent = f === 'all' ? `All ${total}` : `${f} ${view.counts[f]}`;
      b.setAttribute('aria-pressed', String(f === this.filter));
    }
    this.rows = this.filter === 'all' ? undefined : view.jobs.flatMap((job, i) => (job.status === this.filter ? [i] : []));
    const count = this.rowCount();
    this.viewport.style.height = `${Math.max(1, Math.min(count, MAX_VIEWPORT_ROWS)) * JOB_ROW_HEIGHT + 2}px`;
    this.spacer.style.height = `${count * JOB_ROW_HEIGHT}px`;
    this.drawRows();
    this.drawDetail();
  }

  private rowCount(): number {
    return this.rows ? this.rows.length : (this.view?.jobs.length ?? 0);
  }

  private jobAt(row: number): JobView | undefined {
    const i = this.rows ? this.rows[row] : row;
    return i === undefined ? undefined : this.view?.jobs[i];
  }

  private rowOf(jobId: string | undefined): number {
    if (!jobId || !this.view) return -1;
    const count = this.rowCount();
    for (let r = 0; r < count; r++) if (this.jobAt(r)?.id === jobId) return r;
    return -1;
  }

  private setFilter(filter: Filter): void {
    this.filter = filter;
    this.viewport.scrollTop = 0;
    this.update(this.view);
    this.onSelectionChange();
  }

  private drawRows(): void {
    const count = this.rowCount();
    const range = visibleRows(this.viewport.scrollTop, this.viewport.clientHeight || MAX_VIEWPORT_ROWS * JOB_ROW_HEIGHT, JOB_ROW_HEIGHT, count);
    const rows: HTMLElement[] = [];
    for (let r = range.start; r < range.end; r++) {
      const job = this.jobAt(r);
      if (job) rows.push(this.renderRow(job, r, count));
    }
    replaceChildren(this.spacer, ...rows);
    const selectedRow = this.rowOf(this.selectedId);
    if (selectedRow >= 0) this.viewport.setAttribute('aria-activedescendant', `job-row-${selectedRow}`);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private renderRow(job: JobView, row: number, count: number): HTMLElement {
    const citation = jobCitation(job);
    const selected = job.id === this.selectedId;
    const el = h('div', {
      class: `job-row status-${job.status}${job.verified === false ? ' unverified' : ''}${selected ? ' selected' : ''}`, id: `job-row-${row}`, role: 'option',
      'aria-selected': String(selected), 'aria-posinset': row + 1, 'aria-setsize': count, 'data-job-id': job.id,
    },
    h('span', { class: 'job-status', ...(job.reason ? { title: job.reason } : {}) }, `${job.verified === false && job.status === 'answered' ? 'unverified' : job.status}${job.cached ? ' · cached' : ''}`),
    h('span', { class: 'job-task', title: job.task }, job.task),
    h('span', { class: 'job-cite' }, citationLink(document, citation, citationText(citation))),
    h('span', { class: 'job-finding', title: job.finding ?? job.error?.message ?? '' }, job.finding ?? job.error?.message ?? ''));
    el.style.top = `${row * JOB_ROW_HEIGHT}px`;
    (el.querySelector('a') as HTMLAnchorElement).tabIndex = -1; // the list itself takes focus; Enter opens
    return el;
  }

  private drawDetail(): void {
    const job = this.selectedId ? this.view?.jobs.find((j) => j.id === this.selectedId) : undefined;
    if (!job) {
      replaceChildren(this.detail, h('p', { class: 'muted' }, 'Select a job to see its full finding.'));
      return;
    }
    const chunk = citationLabel(job.path, job.startLine, job.endLine);
    replaceChildren(this.detail,
      h('p', {}, h('strong', {}, `${job.status}`), ` · round ${job.round} · `, job.task, job.ms !== undefined ? ` · ${formatMs(job.ms)}` : ''),
      h('p', {}, 'Chunk ', citationLink(document, { path: job.path, startLine: job.startLine, endLine: job.endLine }, chunk), job.symbol ? ` (${job.symbol})` : ''),
      job.finding ? h('p', { class: 'finding' }, job.findingId ? `${job.findingId}: ` : '', job.finding) : null,
      job.verified === false && job.status === 'answered' ? h('p', { class: 'unverified-reason' }, `Unverified, not sent to the remote: ${job.reason ?? 'the quote was not found'}.`) : null,
      job.reason && job.status === 'abstained' ? h('p', { class: 'muted' }, `Counted as an abstention: ${job.reason}.`) : null,
      job.citation ? h('p', {}, 'Cites ', citationLink(document, job.citation, citationText(job.citation))) : null,
      job.error ? h('p', { class: 'error-text' }, job.error.message, job.error.hint ? ` ${job.error.hint}` : '') : null);
  }

  private select(jobId: string, reveal: boolean): void {
    this.selectedId = jobId;
    if (reveal) {
      const row = this.rowOf(jobId);
      const top = scrollToReveal(row, this.viewport.scrollTop, this.viewport.clientHeight, JOB_ROW_HEIGHT);
      if (top !== undefined) this.viewport.scrollTop = top;
    }
    this.drawRows();
    this.drawDetail();
    this.onSelectionChange();
  }

  private onKey(e: KeyboardEvent): void {
    const count = this.rowCount();
    if (count === 0) return;
    const current = this.rowOf(this.selectedId);
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / JOB_ROW_HEIGHT) - 1);
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowDown': next = current < 0 ? 0 : Math.min(count - 1, current + 1); break;
      case 'ArrowUp': next = current < 0 ? 0 : Math.max(0, current - 1); break;
      case 'PageDown': next = Math.min(count - 1, Math.max(0, current) + page); break;
      case 'PageUp': next = Math.max(0, current - page); break;
      case 'Home': next = 0; break;
      case 'End': next = count - 1; break;
      case 'Enter':
      case ' ': {
        const job = current >= 0 ? this.jobAt(current) : undefined;
        if (job) {
          e.preventDefault();
          this.openCitation(jobCitation(job));
        }
        return;
      }
      default: return;
    }
    e.preventDefault();
    const job = this.jobAt(next);
    if (job) this.select(job.id, true);
  }
}
