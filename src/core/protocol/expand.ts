// Expand (no model): the remote's declarative plan becomes jobs. Each task's keywords and the
// question rank the chunks inside its globs and the run's scope; the best K per task become
// (task, chunk) jobs, interleaved across tasks under the round's job cap. Nothing the model
// wrote is executed; globs are only matched.
import type { CodeIndex, Chunk, ChunkHit } from '../index/types';
import type { JobInfo, PlanTask } from './events';
import type { PlanAnswer } from './schemas';
import { inScope } from './repo-map';
import type { Citation } from './events';
import { normalizeTargets, normalizeGranularity, targetChunks } from './targets';

/**
 * Every chunk of the scope's files, in path and line order. When the user scoped a run to a
 * file or folder ("Analyze with Minions"), that code is read even where the keywords miss it.
 */
export function chunksInScope(index: CodeIndex, scope: readonly string[], limit: number): Chunk[] {
  if (scope.length === 0) return [];
  const out: Chunk[] = [];
  for (const f of index.files().filter((f) => inScope(f.path, scope)).sort((a, b) => a.path.localeCompare(b.path))) {
    for (const c of index.chunksOf(f.path)) {
      out.push(c);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export interface PlannedJob {
  info: JobInfo;
  chunk: Chunk;
  task: PlanTask;
  /** The chunk's place in its task's ranking (0: the best match), for sampling the top ones. */
  position: number;
}

const MAX_INSTRUCTION = 600;
const MAX_KEYWORDS = 16;
const MAX_GLOBS = 8;
/** Most chunks one task may ask for with its own `k`. */
const MAX_TASK_K = 200;
/**
 * A chunk is read for a task only when its search score is at least this share of the task's
 * best. Reading stops where the keywords stop matching, however high the per-task cap: reading
 * chunks that barely match would cost local time and only look good against the baseline.
 */
export const RELEVANCE_FLOOR = 0.08;

/** Validated, trimmed tasks (a plan of a thousand tasks keeps `maxTasks`; empty instructions are dropped). */
export function normalizePlan(plan: PlanAnswer, maxTasks: number, round: number, question: string): { tasks: PlanTask[]; advice: string } {
  const tasks: PlanTask[] = [];
  // A task repeated word for word would only read the same chunks again (small planners do repeat).
  const seenTasks = new Set<string>();
  for (const t of plan.tasks ?? []) {
    const instruction = String(t.instruction ?? '').trim().slice(0, MAX_INSTRUCTION);
    if (!instruction) continue;
    const keywords = [...new Set((t.keywords ?? []).map((k) => String(k).trim()).filter((k) => k && k.length <= 80))].slice(0, MAX_KEYWORDS);
    // Globs are patterns over workspace paths only: no absolute paths, no climbing out.
    const globs = (t.globs ?? []).map((g) => String(g).trim().replace(/^\.\//, '')).filter((g) => g && !g.startsWith('/') && !g.split('/').includes('..')).slice(0, MAX_GLOBS);
    const key = JSON.stringify([instruction.toLowerCase(), [...keywords].map((k) => k.toLowerCase()).sort(), [...globs].sort()]);
    if (seenTasks.has(key)) continue;
    seenTasks.add(key);
    const targets = normalizeTargets(t.targets);
    const k = Number.isInteger(t.k) && t.k! > 0 ? Math.min(t.k!, MAX_TASK_K) : undefined;
    tasks.push({
      id: `r${round}t${tasks.length + 1}`, instruction, keywords, globs,
      ...(targets.length ? { targets, granularity: normalizeGranularity(t.granularity) } : {}), ...(k ? { k } : {}),
    });
    if (tasks.length >= maxTasks) break;
  }
  // A plan with no usable task still gets the question read once.
  if (tasks.length === 0) tasks.push({ id: `r${round}t1`, instruction: `Find what this excerpt shows about: ${question}`, keywords: [], globs: [] });
  return { tasks, advice: String(plan.advice ?? '').trim().slice(0, 1000) };
}

export interface ExpandOptions {
  question: string;
  scope: readonly string[];
  jobsPerTask: number;
  maxJobsPerRound: number;
  round: number;
  /** (task instruction, chunk) pairs already read in earlier rounds; not read again. */
  seen: Set<string>;
  /**
   * Chunks any task read in an earlier round. A later round is for what is still missing, and
   * what those chunks show is already in the findings, so unread chunks come first (read ones
   * still fill a task's places when nothing new matches).
   */
  readBefore?: { has(chunkId: string): boolean };
  /** Where an earlier finding is, by its id (for targets that name findings). */
  findingCitation?: (id: string) => Citation | undefined;
  /**
   * Whether the job (task, chunk) already has a result (the job cache): it costs nothing, so
   * among a task's close matches (its best 2 x jobsPerTask) those chunks come first.
   */
  known?: (task: PlanTask, chunk: Chunk) => boolean;
}

/** What expanding a plan gave: the jobs, notes for the user, and per task how many relevant chunks were left unread. */
export interface Expansion {
  jobs: PlannedJob[];
  notes: string[];
  /** Task id → chunks above the relevance floor that its cap (or the round's) left unread. */
  unread: Map<string, number>;
}

/**
 * A task's chunks ranked by its own keywords; the question only breaks ties (appending the whole
 * question to every task's keywords made different tasks read the same chunks). A task without
 * keywords, or whose keywords match nothing, is ranked by the question.
 */
function rankForTask(index: CodeIndex, task: PlanTask, question: string, top: number, where: { scope?: readonly string[]; globs?: readonly string[] }): ChunkHit[] {
  const own = task.keywords.join(' ').trim();
  const byQuestion = index.search(question, { top: Math.max(top, 50), ...where });
  if (!own) return byQuestion.slice(0, top);
  const hits = index.search(own, { top, ...where });
  if (hits.length === 0) return byQuestion.slice(0, top);
  const tie = new Map(byQuestion.map((h) => [h.chunk.id, h.score]));
  return hits.slice().sort((a, b) => b.score - a.score || (tie.get(b.chunk.id) ?? 0) - (tie.get(a.chunk.id) ?? 0));
}

export function expandPlan(index: CodeIndex, tasks: readonly PlanTask[], o: ExpandOptions): Expansion {
  const notes: string[] = [];
  const unread = new Map<string, number>();
  const perTask: { task: PlanTask; chunks: Chunk[] }[] = [];
  for (const task of tasks) {
    const cap = task.k ?? o.jobsPerTask;
    const scope = o.scope.length ? { scope: o.scope } : {};
    let hits = rankForTask(index, task, o.question, cap * 3, { ...scope, ...(task.globs.length ? { globs: task.globs } : {}) });
    if (hits.length === 0 && task.globs.length) {
      notes.push(`Task "${task.instruction.slice(0, 60)}": its paths (${task.globs.join(', ')}) match no indexed code, so the whole scope was searched`);
      hits = rankForTask(index, task, o.question, cap * 3, scope);
    }
    // Chunks that match the task far worse than its best match are noise for it: not read.
    const floor = (hits[0]?.score ?? 0) * RELEVANCE_FLOOR;
    hits = hits.filter((h) => h.score >= floor);
    const chunks: Chunk[] = [];
    const key = (c: Chunk) => `${task.instruction}\u0000${c.id}`;
    // Targets first, exempt from the already-read demotion: the remote asked for exactly these.
    const targeted = task.targets?.length ? targetChunks(index, task.targets, task.granularity ?? 'chunk', o.scope, o.findingCitation ?? (() => undefined)) : [];
    const ranked = [...hits.map((h) => h.chunk), ...(hits.length < cap ? chunksInScope(index, o.scope, cap * 4) : [])];
    const ordered = o.readBefore ? [...ranked.filter((c) => !o.readBefore!.has(c.id)), ...ranked.filter((c) => o.readBefore!.has(c.id))] : ranked;
    // Among close matches, chunks with a cached result first: they cost nothing.
    const near = cap * 2;
    const candidates = o.known
      ? [...ordered.slice(0, near).filter((c) => o.known!(task, c)), ...ordered.slice(0, near).filter((c) => !o.known!(task, c)), ...ordered.slice(near)]
      : ordered;
    for (const chunk of [...targeted, ...candidates]) {
      if (chunks.length >= cap) break;
      if (o.seen.has(key(chunk)) || chunks.some((c) => c.id === chunk.id)) continue;
      chunks.push(chunk);
    }
    const taken = new Set(chunks.map((c) => c.id));
    unread.set(task.id, hits.filter((h) => !taken.has(h.chunk.id) && !o.seen.has(key(h.chunk))).length);
    perTask.push({ task, chunks });
  }
  const jobs: PlannedJob[] = [];
  const depth = Math.max(0, ...perTask.map((p) => p.chunks.length));
  for (let k = 0; k < depth && jobs.length < o.maxJobsPerRound; k++) {
    for (const { task, chunks } of perTask) {
      const chunk = chunks[k];
      if (!chunk || jobs.length >= o.maxJobsPerRound) continue;
      o.seen.add(`${task.instruction}\u0000${chunk.id}`);
      jobs.push({
        task,
        chunk,
        position: k,
        info: {
          id: `${task.id}j${k + 1}`, round: o.round, taskId: task.id, task: task.instruction,
          path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, ...(chunk.symbol ? { symbol: chunk.symbol } : {}),
        },
      });
    }
  }
  // Chunks a task planned but the round's cap cut off are unread too.
  for (const { task, chunks } of perTask) {
    const queued = jobs.filter((j) => j.task === task).length;
    unread.set(task.id, (unread.get(task.id) ?? 0) + chunks.length - queued);
  }
  return { jobs, notes, unread };
}
