// A whole conversation as Markdown: the thread's totals, then each turn's question, answer,
// what it spent and which earlier findings it dropped as stale.
import { threadTotals, type Thread } from '../../core/protocol/thread';

const usd = (x: number | null) => (x === null ? 'unknown' : `$${x.toFixed(4)}`);

export function threadToMarkdown(thread: Thread): string {
  const t = threadTotals(thread);
  const lines = [
    `# Minions conversation: ${thread.turns[0]?.question ?? '(empty)'}`,
    '',
    `${t.turns} turn(s), started ${new Date(thread.createdAt).toISOString()}. Remote: ${t.remoteTokens} tokens, ${usd(t.remoteCostUsd)}; saved against remote-only: ${usd(t.savedUsd)}. Local requests: ${t.localRequests}; jobs from the cache: ${t.cachedJobs}.`,
  ];
  for (const turn of thread.turns) {
    const l = turn.ledger;
    lines.push('', `## Turn ${turn.turn}: ${turn.question}`, '', turn.answer || `_(no answer: the run ${turn.outcome})_`, '');
    if (turn.stale.length) lines.push(`_Dropped ${turn.stale.length} earlier finding(s) whose code changed: ${turn.stale.map((c) => `${c.path}:${c.startLine}-${c.endLine}`).join(', ')}_`, '');
    lines.push(`_This turn: remote ${l.remote.promptTokens + l.remote.completionTokens} tokens (${usd(l.remote.costUsd)}), local ${l.local.requests} requests, ${l.local.cachedJobs ?? 0} cached jobs; saved ${usd(l.savings.costUsd)}._`);
  }
  return lines.join('\n') + '\n';
}
