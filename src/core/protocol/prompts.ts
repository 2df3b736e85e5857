// Every prompt the engine sends, in one place. Each builder says what the call is for. The
// remote's prompts never contain code in MinionS and Minion: only the question, paths, line
// numbers, symbol names (standard privacy) and the local workers' own words.
import type { Chunk } from '../index/types';
import type { ChatMessage } from '../llm/types';

/** A chunk as the local model sees it: a header, then each line with its number (citations are checked against them). */
export function renderChunk(chunk: Chunk, maxLines = 400): string {
  const lines = chunk.text.split(/\r?\n/);
  const shown = lines.slice(0, maxLines);
  const width = String(chunk.startLine + shown.length - 1).length;
  const body = shown.map((l, i) => `${String(chunk.startLine + i).padStart(width, ' ')}| ${l}`).join('\n');
  const more = lines.length > shown.length ? `\n... (${lines.length - shown.length} more lines not shown)` : '';
  const symbol = chunk.symbol ? `, in ${chunk.symbol}` : '';
  const place = chunk.page ? `page ${chunk.page}${chunk.pages ? ` of ${chunk.pages}` : ''}, ` : chunk.cell ? `cell ${chunk.cell}, ` : '';
  return `File: ${chunk.path} (${place}lines ${chunk.startLine}-${chunk.endLine}${symbol}, ${chunk.language})\n${body}${more}`;
}

// --- MinionS -------------------------------------------------------------------------------

/** Plan (remote): turn the question into small, self-contained reading tasks for local workers. */
export function planMessages(input: {
  question: string;
  repoMap: string;
  scope: string[];
  round: number;
  maxRounds: number;
  maxTasks: number;
  history: string;
  /** A follow-up: the earlier turns of the conversation. */
  conversation?: string;
}): ChatMessage[] {
  // The repository map goes in the system message, after the fixed instructions: that prefix is
  // identical for every round and every question in a workspace, so providers with prompt
  // caching (OpenAI caches repeated prefixes of 1024+ tokens) bill it at the cached rate.
  const system = [
    'You lead a team of small, fast assistants that read a code repository for you. You never see the code yourself.',
    `Plan up to ${input.maxTasks} tasks. Each task is run by the workers over the code excerpts that best match its keywords; every worker sees ONE excerpt (a function, class or ~50-100 lines) and reports what it finds there.`,
    'Write each instruction so a small model can follow it with only that excerpt: concrete, one thing to look for, no references to other tasks.',
    'keywords: identifiers, function or file names, error messages and domain terms likely to appear in the relevant code (they drive the search).',
    'globs: optional path globs (e.g. "src/net/**") to restrict a task; use [] when unsure. Tasks only reach paths in the repository map.',
    'advice: one or two sentences for the workers (what counts as relevant, what to ignore). Use "" if none.',
    '',
    'Repository map (paths, languages, sizes, top-level symbols):',
    input.repoMap,
  ].join('\n');
  const scope = input.scope.length ? `\nThe user limited the question to: ${input.scope.join(', ')}\n` : '';
  const history = input.history ? `\nWhat earlier rounds found:\n${input.history}\n` : '';
  const user = `${earlierTurns(input.conversation)}Question: ${input.question}\n${scope}${history}\nRound ${input.round} of ${input.maxRounds}. Plan the tasks as JSON.`;
  return [{ role: 'system', content: system }, { role: 'user', content: user }];
}

/**
 * The version of the job prompt below (and of JOB_SCHEMA): the job cache keys on it, so a change
 * to what a worker is asked, or how, must bump it, or old answers would be replayed.
 */
export const JOB_PROMPT_VERSION = 1;

/** Execute (local): read one excerpt for one task and report a short, cited finding or abstain. */
export function jobMessages(input: { question: string; instruction: string; advice: string; chunk: Chunk }): ChatMessage[] {
  const system = [
    'You read one excerpt of a code repository and report what it shows for a task. Use only the excerpt; never guess about code you cannot see.',
    'Evidence first: copy the single most telling line of the excerpt exactly into "quote" (without its line number), list the line numbers (from the left margin) that support it in "lines", then write the finding in one to three plain sentences, then set "relevant".',
    'Every finding is checked against the excerpt: a quote that is not in it is discarded.',
    'If the excerpt does not help with the task, answer {"quote": "", "lines": [], "finding": "", "relevant": false}. Do not report what the excerpt lacks.',
  ].join('\n');
  const advice = input.advice ? `\nAdvice: ${input.advice}` : '';
  const user = `Task: ${input.instruction}\n(Overall question, for context: ${input.question})${advice}\n\n${renderChunk(input.chunk)}\n\nReply with the JSON object.`;
  return [{ role: 'system', content: system }, { role: 'user', content: user }];
}

/**
 * Synthesize (remote): answer from the workers' findings, or say precisely what is still
 * missing. Before the last round, a "continue" also plans the next round's tasks in the same
 * reply (`nextTasks`: the cap on tasks), so a continuing round costs one remote call, not a
 * synthesis and then a plan.
 */
export function synthesisMessages(input: { question: string; digest: string; round: number; maxRounds: number; nextTasks?: number; scratchpad?: string; repoMap?: string; conversation?: string }): ChatMessage[] {
  const last = input.round >= input.maxRounds;
  const plan = !last && input.nextTasks !== undefined;
  const system = [
    'You answer a question about a code repository using findings that assistants reported after reading its code. You never see the code itself.',
    'Each finding starts with its id and location, as F3 [path:start-end]; only findings whose quote was checked against the code are listed. Cite locations in your answer as path:line or path:start-end, only ones that appear in the findings.',
    'Each task says what it covered: chunks read, answered, abstained, and relevant chunks left unread. Where findings conflict, trust the one whose cited lines say it and name the conflict; where evidence is thin (few chunks answered, relevant chunks unread), say so.',
    last
      ? 'This is the last round: set decision to "answer" and give the best answer the findings support, saying plainly what remains unknown.'
      : 'If the findings answer the question, set decision to "answer" and write the answer in markdown. If something essential is missing or rests on one doubtful finding, ask again rather than guess: set decision to "continue", leave answer empty, and describe in "missing" exactly what to look for next (names, behaviours, places).',
    ...(plan ? [
      `If you continue, plan the next round in "tasks" (at most ${input.nextTasks}; [] when answering): per task, an instruction a small model can follow on one excerpt (~50-100 lines) alone, keywords likely in that code (they drive the search), globs like "src/net/**" or [], targets (places to read first: "path:start-end" or finding ids like "F3"; [] for none), granularity ("chunk", "neighbors" or "file": how much around each target) and k (chunks to read; 0 for the default). advice: a sentence for the workers, or "".`,
      'scratchpad: a few lines of what is established so far, each with its finding ids; it is given back to you next round in place of these findings.',
      ...(input.repoMap ? ['', 'Repository map (paths, languages, sizes, top-level symbols):', input.repoMap] : []),
    ] : []),
  ].join('\n');
  const pad = input.scratchpad ? `Your scratchpad so far:\n${input.scratchpad}\n\nNew findings` : 'Findings';
  const user = `${earlierTurns(input.conversation)}Question: ${input.question}\n\n${pad} (round ${input.round} of ${input.maxRounds}):\n${input.digest || '(no worker found anything relevant)'}\n\nReply with the JSON object.`;
  return [{ role: 'system', content: system }, { role: 'user', content: user }];
}

/** A follow-up's earlier turns, before its question: the question may refer to them ("and what about X?"). */
function earlierTurns(conversation: string | undefined): string {
  return conversation ? `This question follows up on a conversation (findings from earlier turns are marked "turn N"):\n${conversation}\n\nThe follow-up: ` : '';
}

// --- Minion --------------------------------------------------------------------------------

/** Minion (remote side): chat with one local assistant that holds the code, then answer. */
export function minionSystem(input: { files: string; maxRounds: number }): string {
  return [
    'You answer a question about a code repository. You cannot see the code; a local assistant can, and it holds these excerpts:',
    input.files,
    `Ask it one focused question at a time (decision "ask", the question in "message"), at most ${input.maxRounds} times. When you can answer, set decision to "answer" and put the markdown answer in "message", citing locations as path:line.`,
  ].join('\n');
}

/** Minion (local side): answer the remote's question from the excerpts it holds. */
export function minionLocalMessages(input: { context: string; question: string }): ChatMessage[] {
  return [
    { role: 'system', content: 'You answer questions about the code excerpts below, briefly and precisely, citing locations as path:line. Say so when the excerpts do not contain the answer.\n\n' + input.context },
    { role: 'user', content: input.question },
  ];
}

// --- Baselines -----------------------------------------------------------------------------

/** Remote-only: the remote reads the code itself. Also the prompt the ledger's baseline is counted on. */
export function remoteOnlyMessages(question: string, chunks: readonly Chunk[]): ChatMessage[] {
  return [
    { role: 'system', content: 'You answer questions about a code repository from the excerpts given. Cite locations as path:line. Say what the excerpts do not show.' },
    { role: 'user', content: `Question: ${question}\n\n${chunks.map((c) => renderChunk(c)).join('\n\n')}\n\nReply with the JSON object.` },
  ];
}

/** Local-only: the local model reads the best excerpts that fit its context and answers alone. */
export function localOnlyMessages(question: string, chunks: readonly Chunk[]): ChatMessage[] {
  return [
    { role: 'system', content: 'You answer questions about a code repository from the excerpts given, in markdown. Cite locations as path:line. Say what the excerpts do not show.' },
    { role: 'user', content: `Question: ${question}\n\n${chunks.map((c) => renderChunk(c)).join('\n\n')}\n\nReply with the JSON object.` },
  ];
}
