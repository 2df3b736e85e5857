// The words of the @minions chat participant: the question a slash command asks (Analyze's
// templates), the earlier turns folded into the question, the answer cut at its citations (so
// each becomes a link that opens the lines), and the ledger footer. Pure (no `vscode` import).
import type { LedgerSnapshot } from '../../core/ledger/types';
import { citationSpans } from '../../core/protocol/citations';
import type { Citation } from '../../core/protocol/events';
import { buildQuestion, describeTarget, TEMPLATES, type TemplateId } from '../templates';
import { formatUsd } from '../../shared/run/format';

/** The slash commands: Analyze's templates except the free-form one. */
export const CHAT_COMMANDS = TEMPLATES.filter((t) => t.id !== 'custom').map((t) => ({ name: t.id, label: t.label, detail: t.detail }));

/** The question for a prompt, an optional slash command, and the scope the user referenced. */
export function chatQuestion(prompt: string, command: string | undefined, scope: readonly string[]): string {
  const text = prompt.trim();
  const template = CHAT_COMMANDS.find((c) => c.name === command);
  if (!template) return text;
  const target = scope.length ? describeTarget(scope) : text || 'the whole workspace';
  const question = buildQuestion(template.name as TemplateId, target);
  return scope.length && text ? `${question} ${text}` : question;
}

export interface PriorTurn {
  role: 'user' | 'assistant';
  text: string;
}

const TURNS_KEPT = 6;
const TURN_CHARS = 600;

/**
 * The question with the last turns of the conversation before it, so a follow-up such as
 * "and where is it called?" is planned with what it refers to.
 */
export function withPriorTurns(question: string, history: readonly PriorTurn[]): string {
  const turns = history.filter((t) => t.text.trim() !== '').slice(-TURNS_KEPT);
  if (turns.length === 0) return question;
  const shorten = (s: string) => {
    const flat = s.replace(/\s+/g, ' ').trim();
    return flat.length > TURN_CHARS ? `${flat.slice(0, TURN_CHARS - 1)}…` : flat;
  };
  const lines = turns.map((t) => `${t.role === 'user' ? 'User' : 'Minions'}: ${shorten(t.text)}`);
  return `Earlier in this conversation:\n${lines.join('\n')}\n\nThe question now: ${question}`;
}

export type AnswerPart = { kind: 'text'; text: string } | { kind: 'citation'; label: string; citation: Citation };

/** The answer as text and citations in order; a citation of an unknown path stays text. */
export function answerParts(markdown: string, knownPath: (path: string) => boolean): AnswerPart[] {
  const parts: AnswerPart[] = [];
  let at = 0;
  for (const span of citationSpans(markdown, knownPath)) {
    if (span.index > at) parts.push({ kind: 'text', text: markdown.slice(at, span.index) });
    parts.push({ kind: 'citation', label: markdown.slice(span.index, span.index + span.length), citation: span.citation });
    at = span.index + span.length;
  }
  if (at < markdown.length) parts.push({ kind: 'text', text: markdown.slice(at) });
  return parts;
}

/**
 * One line under the answer. `inPlan`: the remote is one of VS Code's models, whose use the
 * user's plan covers, and whose tokens were counted here (the API reports none).
 */
export function ledgerFooter(l: LedgerSnapshot, inPlan: boolean): string {
  const remoteTokens = l.remote.promptTokens + l.remote.completionTokens;
  const baselineTokens = l.baseline.remotePromptTokens + l.baseline.remoteCompletionTokens;
  const remote = inPlan
    ? `remote ${l.remote.requests} requests, ${remoteTokens} tokens (counted here), included in your plan`
    : `remote ${l.remote.requests} requests, ${remoteTokens} tokens, ${formatUsd(l.remote.costUsd)}`;
  const local = `local ${l.local.requests} requests, ${l.local.promptTokens + l.local.completionTokens} tokens, free`;
  const baseline = inPlan
    ? `remote-only would have sent ${baselineTokens} tokens`
    : `remote-only ${formatUsd(l.baseline.costUsd)}${l.savings.ratio !== null ? ` (${l.savings.ratio.toFixed(1)}x more)` : ''}`;
  return `${remote} · ${local} · ${baseline}`;
}
