// The panel's browser side. It keeps a view of the shown run (shared/run/view.ts), applies events as
// they arrive and redraws the parts that changed once per animation frame, however many
// events came in between. It saves its state with setState so hiding and showing the panel
// (which destroys the page) and reloading the window bring the same view back at once.

import './panel.css';
import type { Citation, RunEvent } from '../shared/run/events';
import { isRunId, MAX_QUESTION_CHARS, type HostToWebview, type RunSummary, type WebviewToHost } from '../shared/messages';
import { h } from './dom';
import { CITATION_CLASS, citationOf, createAnswerRenderer } from './markdown';
import { applyEvent, buildRunView, createRunView, JobIndex, markInterrupted, mergeChanges, type RunView, type ViewChange } from '../shared/run/view';
import { AnswerView } from './views/answer';
import { HeaderView } from './views/header';
import { HistoryView } from './views/history';
import { JobsView } from './views/jobs';
import { LedgerView } from './views/ledger';
import { NoticesView } from './views/notices';
import { PlanView } from './views/plan';
import { RemoteRequestsView } from './views/remote';
import { ThreadView } from './views/thread';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the page being destroyed (hide/show, reload). Never holds a key: events carry none. */
interface SavedState {
  v: 1;
  view?: RunView;
  live: boolean;
  draft: string;
  filter?: string;
  selectedJob?: string;
  history?: RunSummary[];
}

interface Shown {
  view: RunView;
  index: JobIndex;
}

const vscode = acquireVsCodeApi();
const send = (message: WebviewToHost): void => vscode.postMessage(message);
const openCitation = (c: Citation): void => send({ type: 'open-citation', path: c.path, startLine: c.startLine, endLine: c.endLine });

// ---- layout -------------------------------------------------------------------------------

const question = h('textarea', {
  id: 'question', rows: 2, placeholder: 'Ask about this workspace… (Enter to ask, Shift+Enter for a new line)', 'aria-label': 'Question',
  maxlength: MAX_QUESTION_CHARS,
});
const askButton = h('button', { type: 'submit', id: 'ask' }, 'Ask');
const askForm = h('form', { class: 'ask', id: 'ask-form', 'aria-label': 'Ask Minions' }, question, askButton);
const liveBanner = h('div', { class: 'live-banner', hidden: true },
  h('span', {}, 'A run is in progress.'), h('button', { type: 'button', class: 'secondary', id: 'show-live' }, 'Show it'));
const header = new HeaderView(() => send({ type: 'cancel' }), (runId) => send({ type: 'retry-answer', runId }));
const notices = new NoticesView();
const renderer = createAnswerRenderer(window);
const answer = new AnswerView(renderer);
const thread = new ThreadView(renderer, {
  followUp: (text) => send({ type: 'follow-up', question: text }),
  newConversation: () => send({ type: 'new-conversation' }),
  open: (threadId) => send({ type: 'open-thread', threadId }),
  exportThread: (threadId) => send({ type: 'export-thread', threadId }),
  remove: (threadId) => send({ type: 'delete-thread', threadId }),
});
const ledger = new LedgerView();
const plan = new PlanView();
// A filter or selection the user just chose is saved at once: hiding the panel right after (a
// citation opening an editor) destroys the page, and a delayed save would lose the choice.
const jobs = new JobsView(openCitation, () => saveNow());
const remoteRequests = new RemoteRequestsView();
const history = new HistoryView({
  open: (runId) => send({ type: 'open-run', runId }),
  exportRun: (runId) => send({ type: 'export-run', runId }),
  remove: (runId) => send({ type: 'delete-run', runId }),
});
const app = document.getElementById('app') ?? document.body;
app.append(askForm, liveBanner, thread.el, header.el, notices.el, answer.el, thread.followUpEl, ledger.el, plan.el, jobs.el, remoteRequests.el, history.el, thread.listEl);

// ---- state --------------------------------------------------------------------------------

let shown: Shown | undefined;
let live: Shown | undefined;
let runs: RunSummary[] = [];
let pending: ViewChange = {};
/** The history list is redrawn only when it or the shown run changed (redrawing loses focus). */
let historyDirty = true;
let frame: number | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Render figures since the shown run last changed (read by the end-to-end tests). */
let frames = 0;
let maxRenderMs = 0;
let shownAt = performance.now();

const saved = readSavedState(vscode.getState());
if (saved) {
  question.value = saved.draft;
  jobs.restore(saved.filter, saved.selectedJob);
  runs = saved.history ?? [];
  if (saved.view) {
    shown = { view: saved.view, index: new JobIndex(saved.view) };
    if (saved.live) live = shown;
  }
}
renderAll();

function readSavedState(value: unknown): SavedState | undefined {
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== 1) return undefined;
  const s = value as SavedState;
  return { ...s, draft: typeof s.draft === 'string' ? s.draft : '' };
}

function show(next: Shown | undefined): void {
  shown = next;
  frames = 0;
  maxRenderMs = 0;
  shownAt = performance.now();
  historyDirty = true;
  pending = { header: true, plan: true, jobs: true, answer: true, ledger: true, errors: true, remote: true };
  scheduleRender();
}

function liveView(runId: string, restart: boolean): Shown {
  if (!live || live.view.runId !== runId || restart) {
    const view = createRunView(runId);
    live = { view, index: new JobIndex(view) };
  }
  return live;
}

function applyLive(runId: string, events: readonly RunEvent[]): void {
  const previousLive = live;
  const startsRun = events.some((e) => e.type === 'run-started');
  const target = liveView(runId, startsRun);
  // A new run the user just asked for takes over the view; otherwise a reopened past run stays.
  if (!shown || shown === previousLive || startsRun) {
    if (shown !== target) show(target);
  }
  const change: ViewChange = {};
  for (const event of events) mergeChanges(change, applyEvent(target.view, event, target.index));
  if (shown === target) mergeChanges(pending, change);
  else pending.header = true; // the live banner
  scheduleRender();
}

// ---- rendering: at most once per frame ----------------------------------------------------

function scheduleRender(): void {
  if (frame !== undefined) return;
  frame = requestAnimationFrame(() => {
    frame = undefined;
    renderPending();
  });
}

function renderAll(): void {
  pending = { header: true, plan: true, jobs: true, answer: true, ledger: true, errors: true, remote: true };
  renderPending();
}

function renderPending(): void {
  const started = performance.now();
  const change = pending;
  pending = {};
  const view = shown?.view;
  const isLive = !!shown && shown === live;
  if (change.header) {
    header.update(view, isLive);
    liveBanner.hidden = !(live && live !== shown && live.view.outcome === 'running');
  }
  if (change.errors || change.header) notices.update(view);
  if (change.answer) answer.update(view);
  if (change.answer || change.header) thread.update(view, isLive && view?.outcome === 'running');
  if (change.ledger) ledger.update(view);
  if (change.plan) plan.update(view);
  if (change.jobs) jobs.update(view);
  if (change.remote) remoteRequests.update(view);
  if (historyDirty) {
    historyDirty = false;
    history.update(runs, view?.runId);
  }
  // Exposed for the end-to-end tests, which read how long drawing took.
  const ms = performance.now() - started;
  frames++;
  maxRenderMs = Math.max(maxRenderMs, ms);
  app.dataset.lastRenderMs = ms.toFixed(1);
  app.dataset.maxRenderMs = maxRenderMs.toFixed(1);
  app.dataset.frames = String(frames);
  app.dataset.sinceShownMs = (performance.now() - shownAt).toFixed(1);
  app.dataset.jobs = String(view?.jobs.length ?? 0);
  scheduleSave();
}

/** setState copies the whole view to the host: a big live run is saved less often. */
function saveDelayMs(): number {
  return (shown?.view.jobs.length ?? 0) > 200 ? 1000 : 250;
}

function scheduleSave(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(saveNow, saveDelayMs());
}

function saveNow(): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer);
  saveTimer = undefined;
  const state: SavedState = {
    v: 1, live: !!shown && shown === live, draft: question.value, filter: jobs.currentFilter, history: runs,
    ...(shown ? { view: shown.view } : {}),
    ...(jobs.selected ? { selectedJob: jobs.selected } : {}),
  };
  vscode.setState(state);
}

// A save still pending when the page goes away is made now.
window.addEventListener('pagehide', () => {
  if (saveTimer !== undefined) saveNow();
});

// ---- messages from the host ---------------------------------------------------------------

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const message = e.data;
  if (typeof message !== 'object' || message === null) return;
  switch (message.type) {
    case 'init':
      if (message.history) runs = message.history;
      historyDirty = true;
      if (shown && shown.view.runId !== message.liveRunId && shown.view.outcome === 'running') {
        markInterrupted(shown.view);
        live = undefined;
        pending = { ...pending, header: true, jobs: true };
      }
      if (message.liveRunId === undefined && live) live = undefined;
      pending.header = true;
      scheduleRender();
      break;
    case 'run-event':
      applyLive(message.runId, [message.event]);
      break;
    case 'run-events':
      applyLive(message.runId, message.events);
      break;
    case 'show-run': {
      const view = buildRunView(message.runId, message.events);
      // A stored run without an end was cut short (the window closed while it ran).
      if (!message.live) markInterrupted(view);
      const next = { view, index: new JobIndex(view) };
      if (message.live) live = next;
      else if (live?.view.runId === message.runId) live = undefined;
      show(next);
      break;
    }
    case 'history':
      runs = message.runs;
      historyDirty = true;
      pending.header = true;
      scheduleRender();
      break;
    case 'notice':
      notices.push(message.notice);
      break;
    case 'thread':
      thread.setThread(message.thread);
      pending.header = true;
      scheduleRender();
      break;
    case 'threads':
      thread.setThreads(message.threads);
      pending.header = true;
      scheduleRender();
      break;
  }
});

// ---- user input ---------------------------------------------------------------------------

askForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = question.value.trim();
  if (!text) {
    question.focus();
    return;
  }
  send({ type: 'ask', question: text });
  question.value = '';
  scheduleSave();
});

question.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    askForm.requestSubmit();
  }
});
question.addEventListener('input', () => scheduleSave());

liveBanner.querySelector('button')?.addEventListener('click', () => {
  if (live) show(live);
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && live && shown === live && live.view.outcome === 'running') {
    e.preventDefault();
    send({ type: 'cancel' });
  }
});

// One listener for every citation link (answer, jobs, detail): the host validates and opens.
document.addEventListener('click', (e) => {
  const link = (e.target as Element | null)?.closest?.(`a.${CITATION_CLASS}`);
  if (!link) return;
  e.preventDefault();
  const citation = citationOf(link);
  if (citation) openCitation(citation);
});

send(shown && isRunId(shown.view.runId) ? { type: 'ready', viewingRunId: shown.view.runId } : { type: 'ready' });
