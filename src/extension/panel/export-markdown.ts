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
    const { local, remote, baseline } = view.ledger;
    const saving = savingFigures(view.ledger, view.outcome);
    out.push('## Ledger', '',
      '| | Prompt tokens | Completion tokens | Calls | Cost |',
      '|---|---:|---:|---:|---:|',
      `| Remote | ${formatTokens(remote.promptTokens)}${remote.cachedPromptTokens ? ` (${formatTokens(remote.cachedPromptTokens)} cached)` : ''} | ${formatTokens(remote.completionTokens)} | ${remote.requests} | ${formatUsd(remote.costUsd)} |`,
      `| Local | ${formatTokens(local.promptTokens)} | ${formatTokens(local.completionTokens)} | ${local.requests} | on this machine |`,
      `| Remote-only baseline | ${formatTokens(baseline.remotePromptTokens)} | ${formatTokens(baseline.remoteCompletionTokens)} | | ${formatUsd(baseline.costUsd)} |`,
      '',
      saving.known ? `Saving: ${saving.saved} · ${saving.costRatio} · ${saving.costPercent} · ${saving.tokenRatio}` : `Saving: ${saving.saved}`, '');
  }

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

  if (view.errors.length) {
    out.push('## Errors', '');
    for (const e of view.errors) out.push(`- ${oneLine(e.message)}${e.hint ? `. ${oneLine(e.hint)}` : ''}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
