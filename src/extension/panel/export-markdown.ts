// A past run as a Markdown document: question, answer, ledger, plan, the findings with their
// citations, errors. Built from the same view the panel shows (shared/run/view.ts), so the
// export and the panel cannot disagree. The caller redacts secrets before it leaves.

import { buildRunView, type RunView } from '../../shared/run/view';
import { citationText, formatMs, formatTokens, formatUsd, savingFigures } from '../../shared/run/format';
import { OUTCOME_WORD } from '../../shared/run/outcome';
import type { RunEvent } from '../../shared/run/events';

export function runToMarkdown(runId: string, events: readonly RunEvent[]): string {
  return viewToMarkdown(buildRunView(runId, events));
}

export function viewToMarkdown(view: RunView): string {
  const out: string[] = [];
  out.push(`# Minions run: ${oneLine(view.question) || '(question not recorded)'}`, '');
  if (view.startedAt) out.push(`- Started: ${new Date(view.startedAt).toISOString()}`);
  out.push(`- Protocol: ${view.protocol}${view.localModel ? ` · local \`${view.localModel}\`` : ''}${view.remoteModel ? ` · remote \`${view.remoteModel}\`` : ''}`);
  out.push(`- Outcome: ${view.outcome === 'running' ? 'still running' : OUTCOME_WORD[view.outcome]}${view.ms !== undefined ? ` in ${formatMs(view.ms)}` : ''}${view.round ? ` · ${view.round} round${view.round === 1 ? '' : 's'}` : ''}`);
  if (view.scope.length) out.push(`- Scope: ${view.scope.map((s) => `\`${s}\``).join(', ')}`);
  out.push(`- Run id: \`${view.runId}\``, '');

  out.push('## Answer', '', view.answer ? view.answer.markdown.trim() : '_No answer._', '');

  if (view.ledger) {
    const { local, remote } = view.ledger;
    const saving = savingFigures(view.ledger, view.outcome);
    out.push('## Ledger', '',
      '| | Prompt tokens | Completion tokens | Calls | Cost |',
      '|---|---:|---:|---:|---:|',
      `| Remote | ${formatTokens(remote.promptTokens)}${remote.cachedPromptTokens ? ` (${formatTokens(remote.cachedPromptTokens)} cached)` : ''} | ${formatTokens(remote.completionTokens)} | ${remote.requests} | ${formatUsd(remote.costUsd)} |`,
      `| Local | ${formatTokens(local.promptTokens)} | ${formatTokens(local.completionTokens)} | ${local.requests} | on this machine |`,
      ...baselineRows(view.ledger),
      '',
      saving.known
        ? `Saving: ${saving.saved} · ${saving.costRatio} · ${saving.costPercent} · ${saving.tokenRatio}${view.ledger.baselines ? ' (against the smaller baseline)' : ''}`
        : `Saving: ${saving.saved}`, '');
    const b = saving.known ? view.ledger.baselines : undefined;
    if (b) {
      out.push(`- Same-context baseline: the remote reading every chunk the local jobs answered or abstained on, in requests that fit its context (${b.sameContext.estimated ? `estimated with ${b.sameContext.tokenizer}` : 'as billed'}).`,
        `- Remote-only baseline: the one request the remote-only protocol would send for this question and scope (${b.remoteOnly.estimated ? `estimated with ${b.remoteOnly.tokenizer}` : 'as billed'}).`, '');
    }
  }
  if (view.estimate) {
    const { expected, cap } = view.estimate;
    out.push(`Expected before the run: ${formatUsd(expected.costUsd)} (~${formatTokens(expected.promptTokens + expected.completionTokens)} remote tokens, estimated with ${expected.tokenizer})${cap.maxUsd !== undefined ? ` · cap ${formatUsd(cap.maxUsd)}` : ''}${cap.maxRemoteTokens !== undefined ? ` · cap ${formatTokens(cap.maxRemoteTokens)} tokens` : ''}`, '');
  }
  if (view.protocolReason) out.push(`Auto chose ${view.protocol}: ${oneLine(view.protocolReason)}`, '');

  if (view.rounds.length) {
    out.push('## Plan', '');
    for (const round of view.rounds) {
      out.push(`### Round ${round.round}`, '');
      if (round.advice) out.push(`Advice to workers: ${oneLine(round.advice)}`, '');
      round.tasks.forEach((task, i) => {
        const scope = task.globs.length ? task.globs.map((g) => `\`${g}\``).join(', ') : 'whole scope';
        const keywords = task.keywords.length ? ` — keywords: ${task.keywords.join(', ')}` : '';
        out.push(`${i + 1}. ${oneLine(task.instruction)} — in ${scope}${keywords}`);
      });
      if (round.synthesis) {
        out.push('', round.synthesis.decision === 'answer' ? 'Synthesis: ready to answer.'
          : `Synthesis: another round needed${round.synthesis.missing ? ` — missing: ${oneLine(round.synthesis.missing)}` : ''}.`);
      }
      out.push('');
    }
  }

  if (view.jobs.length) {
    const c = view.counts;
    out.push('## Findings', '',
      `${view.jobs.length} local jobs: ${c.answered} answered, ${c.abstained} abstained, ${c.failed} failed${c.queued + c.running ? `, ${c.queued + c.running} unfinished` : ''}.`, '');
    for (const job of view.jobs) {
      if (job.status !== 'answered' || !job.finding) continue;
      const cite = job.citation ?? { path: job.path, startLine: job.startLine, endLine: job.endLine };
      out.push(`- \`${citationText(cite)}\` — ${oneLine(job.finding)} _(${oneLine(job.task)})_`);
    }
    out.push('');
  }

  if (view.remoteRequests?.length) {
    out.push('## What left this machine', '', 'Every request sent to the remote model, exactly as sent (API key excluded), and its reply.', '');
    view.remoteRequests.forEach(({ purpose, model, attempt }, i) => {
      const { messages, ...params } = attempt.body as { messages?: { role: string; content: string }[] };
      const usage = attempt.usage ? ` · ${formatTokens(attempt.usage.promptTokens)} in · ${formatTokens(attempt.usage.completionTokens)} out` : '';
      out.push(`### ${i + 1}. ${purpose} · \`${model}\` · ${attempt.ok ? 'answered' : attempt.timedOut ? 'timed out' : 'failed'}${usage}`, '');
      for (const m of messages ?? []) out.push(`**${m.role}**`, '', fenced(m.content), '');
      out.push('**parameters**', '', fenced(JSON.stringify(params, null, 2)), '');
      out.push(attempt.ok ? '**reply**' : '**error**', '', fenced(attempt.ok ? (attempt.content ?? '') : (attempt.error?.message ?? '')), '');
    });
  }

  if (view.errors.length) {
    out.push('## Errors', '');
    for (const e of view.errors) out.push(`- ${oneLine(e.message)}${e.hint ? `. ${oneLine(e.hint)}` : ''}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function baselineRows(ledger: NonNullable<RunView['ledger']>): string[] {
  const b = ledger.baselines;
  if (!b) {
    const { baseline } = ledger;
    return [`| Remote-only baseline | ${formatTokens(baseline.remotePromptTokens)} | ${formatTokens(baseline.remoteCompletionTokens)} | | ${formatUsd(baseline.costUsd)} |`];
  }
  const head = (key: 'sameContext' | 'remoteOnly') => (b.headline === key ? ' (headline)' : '');
  return [
    `| Same-context baseline${head('sameContext')} | ${formatTokens(b.sameContext.promptTokens)} | ${formatTokens(b.sameContext.completionTokens)} | ${b.sameContext.calls} | ${formatUsd(b.sameContext.costUsd)} |`,
    `| Remote-only baseline${head('remoteOnly')} | ${formatTokens(b.remoteOnly.promptTokens)} | ${formatTokens(b.remoteOnly.completionTokens)} | 1 | ${formatUsd(b.remoteOnly.costUsd)} |`,
  ];
}

/** A code fence longer than any run of backticks inside, so model text cannot close it early. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
