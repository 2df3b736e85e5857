// Aggregate (no model): the findings the remote reads. Abstentions and failures never get
// here; duplicates (same words for the same task) merge their citations; the whole stays
// within a token budget, newest rounds kept whole first.
import type { Citation } from './events';
import { countText } from '../llm/tokens';

export interface Finding {
  round: number;
  taskId: string;
  task: string;
  citation: Citation;
  text: string;
  /** The worker's one-line quote (dropped under strict privacy before it gets here). */
  quote?: string;
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const loc = (c: Citation) => `${c.path}:${c.startLine}-${c.endLine}`;

export function buildDigest(findings: readonly Finding[], budget: number): { text: string; included: number; omitted: number } {
  // Group by task (in first-seen order), merging findings that say the same thing.
  const groups = new Map<string, { task: string; round: number; items: { text: string; quote?: string; cites: Citation[] }[] }>();
  for (const f of findings) {
    const g = groups.get(f.taskId) ?? { task: f.task, round: f.round, items: [] };
    groups.set(f.taskId, g);
    const same = g.items.find((i) => norm(i.text) === norm(f.text));
    if (same) {
      if (!same.cites.some((c) => loc(c) === loc(f.citation))) same.cites.push(f.citation);
    } else g.items.push({ text: f.text, ...(f.quote ? { quote: f.quote } : {}), cites: [f.citation] });
  }
  const ordered = [...groups.values()].sort((a, b) => b.round - a.round);
  const sections: string[] = [];
  let used = 0;
  let included = 0;
  let omitted = 0;
  for (const g of ordered) {
    const header = `Task (round ${g.round}): ${g.task}`;
    const lines: string[] = [];
    let cost = countText(header) + 1;
    for (const item of g.items) {
      const quote = item.quote ? ` Quote: \`${item.quote.trim().slice(0, 200)}\`` : '';
      const line = `- [${item.cites.map(loc).join(', ')}] ${item.text.trim()}${quote}`;
      const t = countText(line) + 1;
      if (used + cost + t > budget) {
        omitted++;
        continue;
      }
      lines.push(line);
      cost += t;
      included++;
    }
    if (lines.length) {
      sections.push([header, ...lines].join('\n'));
      used += cost;
    }
  }
  const tail = omitted ? `\n(${omitted} more findings left out to keep within the budget)` : '';
  return { text: sections.reverse().join('\n\n') + tail, included, omitted };
}
