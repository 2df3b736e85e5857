// Aggregate (no model): the findings the remote reads. Abstentions and failures never get
// here. The digest is the largest part of what MinionS sends the remote, so it is kept terse:
// findings that say the same thing (the same words up to numbers, or nearly so) merge their
// citations; a quote goes only when it names something the finding does not; each task shows
// its best few findings in full and lists the rest by location; the whole stays within a
// token budget, newest rounds kept whole first.
import type { Citation } from './events';
import { countText } from '../llm/tokens';
import { documentPlaceLabel } from './citations';
import { coverageLine, type TaskCoverage } from './coverage';

export interface Finding {
  round: number;
  taskId: string;
  task: string;
  citation: Citation;
  text: string;
  /** The worker's one-line quote (dropped under strict privacy before it gets here). */
  quote?: string;
  /** The job's place in its round (search rank order): lower is read first and shown first. */
  rank?: number;
  /** Short id the remote cites and targets (`F3`); set on verified findings. */
  id?: string;
  /** Several samples of the job disagreed: what to tell the remote. */
  disputed?: string;
}

/**
 * Findings per task shown with their words. A task asks one concrete thing; past a handful of
 * distinct findings the synthesizer learns more places, not more facts, so the rest are listed
 * by location only (still citable).
 */
export const FULL_FINDINGS_PER_TASK = 6;
/** Citations shown on one merged finding before "+N more". */
const CITES_PER_FINDING = 6;
/** Word-set overlap at or above which two findings of a task count as the same statement. */
const SAME_STATEMENT = 0.8;
const QUOTE_CHARS = 100;
/** How many of a task's latest distinct findings a new one is compared with for near repeats. */
const NEAR_WINDOW = 64;

// PDFs and notebooks also say the page or cell (`report.pdf:120-124 p.37`); the lines stay the citable part.
const loc = (c: Citation) => `${c.path}:${c.startLine}-${c.endLine}${documentPlaceLabel(c) ? ` ${documentPlaceLabel(c)}` : ''}`;
const words = (s: string) => new Set(s.toLowerCase().replace(/\d+/g, ' ').split(/[^a-z_]+/).filter((w) => w.length > 1));
const identifiers = (s: string) => s.match(/[A-Za-z_][A-Za-z0-9_]{2,}/g) ?? [];

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  return common / (a.size + b.size - common);
}

/** The quote only when it names an identifier the finding's words do not already carry. */
function usefulQuote(text: string, quote: string | undefined): string | undefined {
  const q = quote?.trim();
  if (!q) return undefined;
  const said = text.toLowerCase();
  if (identifiers(q).every((id) => said.includes(id.toLowerCase()))) return undefined;
  return q.length > QUOTE_CHARS ? `${q.slice(0, QUOTE_CHARS)}...` : q;
}

interface Item {
  ids: string[];
  disputed?: string;
  text: string;
  bag: Set<string>;
  quote?: string;
  cites: Citation[];
  rank: number;
}

/**
 * The digest within `budget` tokens. With `coverage`, every task of it gets a header line saying
 * what was read and what came of it, also a task that found nothing.
 */
export function buildDigest(findings: readonly Finding[], budget: number, coverage?: ReadonlyMap<string, TaskCoverage>): { text: string; included: number; omitted: number } {
  // Group by task (in first-seen order), merging findings that make the same statement.
  const groups = new Map<string, { taskId: string; task: string; round: number; items: Item[]; byKey: Map<string, Item> }>();
  for (const [taskId, c] of coverage ?? []) groups.set(taskId, { taskId, task: c.task, round: c.round, items: [], byKey: new Map<string, Item>() });
  for (const f of findings) {
    const g = groups.get(f.taskId) ?? { taskId: f.taskId, task: f.task, round: f.round, items: [], byKey: new Map<string, Item>() };
    groups.set(f.taskId, g);
    const text = f.text.trim();
    const bag = words(text);
    const rank = f.rank ?? Number.MAX_SAFE_INTEGER;
    // Exact repeats (up to numbers and case) by key; near repeats among the latest items only,
    // so a task with thousands of findings costs linear time, not quadratic.
    const key = [...bag].sort().join(' ');
    let same = g.byKey.get(key);
    if (!same) {
      for (let k = g.items.length - 1; k >= Math.max(0, g.items.length - NEAR_WINDOW); k--) {
        if (overlap(g.items[k]!.bag, bag) >= SAME_STATEMENT) {
          same = g.items[k];
          break;
        }
      }
    }
    if (same) {
      if (!same.cites.some((c) => loc(c) === loc(f.citation))) same.cites.push(f.citation);
      if (f.id) same.ids.push(f.id);
      if (f.disputed && !same.disputed) same.disputed = f.disputed;
      same.rank = Math.min(same.rank, rank);
      continue;
    }
    const quote = usefulQuote(text, f.quote);
    const item: Item = { ids: f.id ? [f.id] : [], ...(f.disputed ? { disputed: f.disputed } : {}), text, bag, ...(quote ? { quote } : {}), cites: [f.citation], rank };
    g.items.push(item);
    g.byKey.set(key, item);
  }
  const ordered = [...groups.values()].sort((a, b) => b.round - a.round);
  const sections: string[] = [];
  let used = 0;
  let included = 0;
  let omitted = 0;
  for (const g of ordered) {
    const cov = coverage?.get(g.taskId);
    const header = `Task (round ${g.round}): ${g.task}${cov ? `\n  Coverage: ${coverageLine(cov)}` : ''}`;
    const lines: string[] = [];
    let cost = countText(header) + 1;
    const take = (line: string): boolean => {
      const t = countText(line) + 1;
      if (used + cost + t > budget) return false;
      lines.push(line);
      cost += t;
      return true;
    };
    const items = g.items.slice().sort((a, b) => a.rank - b.rank);
    for (const item of items.slice(0, FULL_FINDINGS_PER_TASK)) {
      const shown = item.cites.slice(0, CITES_PER_FINDING).map(loc).join(', ');
      const more = item.cites.length > CITES_PER_FINDING ? ` +${item.cites.length - CITES_PER_FINDING} more` : '';
      const quote = item.quote ? ` Quote: \`${item.quote}\`` : '';
      const ids = item.ids.length ? `${item.ids.slice(0, CITES_PER_FINDING).join(', ')} ` : '';
      const disputed = item.disputed ? ` (${item.disputed})` : '';
      if (take(`- ${ids}[${shown}${more}] ${item.text}${quote}${disputed}`)) included++;
      else omitted++;
    }
    // The rest by location only, as many as fit.
    const rest = items.slice(FULL_FINDINGS_PER_TASK);
    if (rest.length) {
      const places: string[] = [];
      const lead = '- Also relevant here (details left out): ';
      // Counted piece by piece (a round of thousands of findings must not re-count a growing line).
      let lineCost = countText(lead) + 1;
      for (const item of rest) {
        const place = `${item.ids[0] ? `${item.ids[0]} ` : ''}${loc(item.cites[0]!)}`;
        const t = countText(`, ${place}`);
        if (used + cost + lineCost + t > budget) break;
        places.push(place);
        lineCost += t;
      }
      if (places.length) {
        lines.push(`${lead}${places.join(', ')}`);
        cost += lineCost;
      }
      included += places.length;
      omitted += rest.length - places.length;
    }
    if (lines.length || (cov && used + cost <= budget)) {
      sections.push([header, ...lines].join('\n'));
      used += cost;
    }
  }
  const tail = omitted ? `\n(${omitted} more findings left out to keep within the budget)` : '';
  return { text: sections.reverse().join('\n\n') + tail, included, omitted };
}
