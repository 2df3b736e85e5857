// @minions in VS Code's chat: the same engine as the panel, answering in the chat. It shows
// progress while the remote plans and the local model reads, streams the answer with each
// `path:line` citation as an anchor that opens the lines (and lists them as references), ends
// with the ledger, and stops every model request when the user presses the chat's stop button.
// The chat's earlier turns are folded into the question, so follow-ups keep their context.
import * as vscode from 'vscode';
import { MinionsError, toMinionsError } from '../../core/errors';
import type { LedgerSnapshot } from '../../core/ledger/types';
import type { Citation, RunEvent } from '../../core/protocol/events';
import { currentSettings } from '../config';
import { fromIndexPath, toIndexPath } from '../../core/index/paths';
import type { Services } from '../commands/services';
import { VsCodeLmChatModel, VSCODE_LM_PROVIDER } from '../lm/lmChatModel';
import { remoteModelFor } from '../lm/remoteModel';
import { answerParts, CHAT_COMMANDS, chatQuestion, ledgerFooter, withPriorTurns, type PriorTurn } from './chatText';

export const CHAT_PARTICIPANT_ID = 'minions.chat';

export interface MinionsChatResult extends vscode.ChatResult {
  metadata: { status: 'finished' | 'failed' | 'cancelled' | 'not-started'; runId?: string; command?: string; citations?: Citation[]; ledger?: LedgerSnapshot };
}

/** Registers @minions where the host has the chat API; the handler is returned for the extension-host tests either way. */
export function registerChatParticipant(s: Services): { handler: vscode.ChatRequestHandler; disposables: vscode.Disposable[] } {
  const handler = createChatHandler(s);
  if (typeof vscode.chat?.createChatParticipant !== 'function') {
    s.log.info('this VS Code has no chat participant API: @minions is not available');
    return { handler, disposables: [] };
  }
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'icon.png');
  participant.followupProvider = {
    provideFollowups: (result: vscode.ChatResult) => {
      const meta = (result as MinionsChatResult).metadata;
      if (meta?.status !== 'finished') return [];
      return CHAT_COMMANDS.filter((c) => c.name !== meta.command).map((c) => ({ prompt: 'the code cited above', command: c.name, label: c.label }));
    },
  };
  return { handler, disposables: [participant] };
}

function historyTurns(context: vscode.ChatContext): PriorTurn[] {
  const turns: PriorTurn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', text: turn.command ? `/${turn.command} ${turn.prompt}` : turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response.map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : '')).join('');
      turns.push({ role: 'assistant', text });
    }
  }
  return turns;
}

/** The workspace paths of the files and selections attached to the request (#file, drag and drop). */
function referencedScope(s: Services, request: vscode.ChatRequest): string[] {
  const roots = s.index.roots();
  const out = new Set<string>();
  for (const ref of request.references) {
    const uri = ref.value instanceof vscode.Uri ? ref.value : ref.value instanceof vscode.Location ? ref.value.uri : undefined;
    const path = uri?.scheme === 'file' ? toIndexPath(roots, uri.fsPath) : undefined;
    if (path) out.add(path);
  }
  return [...out];
}

export function createChatHandler(s: Services): vscode.ChatRequestHandler {
  return async (request, context, stream, token): Promise<MinionsChatResult> => {
    const command = request.command;
    const meta = (status: MinionsChatResult['metadata']['status']) => ({ status, ...(command ? { command } : {}) });
    if (!vscode.workspace.isTrusted) {
      stream.markdown('Minions does not read this workspace or send anything to a model until you trust it.');
      return { metadata: meta('not-started') };
    }
    const scope = referencedScope(s, request);
    const question = chatQuestion(request.prompt, command, scope);
    if (!question) {
      stream.markdown('Ask a question about this workspace, or use /explain, /bugs, /security or /summarize with a file attached.');
      return { metadata: meta('not-started') };
    }
    const abort = new AbortController();
    const onStop = token.onCancellationRequested(() => abort.abort());
    try {
      stream.progress('Checking the local and remote models…');
      // With the vscode-lm provider, the model picked in the chat is the remote.
      const settings = currentSettings();
      const picked = settings.remote.provider === VSCODE_LM_PROVIDER && request.model ? new VsCodeLmChatModel(request.model) : undefined;
      if (!(await s.setup.check({ quietWhenOk: true, ...(picked ? { offeredLmModel: picked.label } : {}) }))) {
        const message = 'Minions is not set up yet: see the notification for what is missing.';
        stream.markdown(message);
        return { metadata: meta('not-started'), errorDetails: { message } };
      }
      stream.progress('Indexing the workspace…');
      const handle = await s.index.ensure();
      const { key } = await s.keys.get();
      const remoteModel = await remoteModelFor(settings, picked);
      const events = s.core.runProtocol({
        question: withPriorTurns(question, historyTurns(context)), scope, settings, apiKey: key, index: handle.index, signal: abort.signal,
        ...(remoteModel ? { remoteModel } : {}),
      });
      return await render(s, events, stream, meta, remoteModel?.provider === VSCODE_LM_PROVIDER);
    } catch (err) {
      const e = toMinionsError(err);
      if (e.code === 'cancelled' || abort.signal.aborted) {
        stream.markdown('*Stopped.*');
        return { metadata: meta('cancelled') };
      }
      s.log.error(e.toUserString());
      stream.markdown(`**Minions:** ${e.toUserString()}`);
      return { metadata: meta('failed'), errorDetails: { message: e.toUserString() } };
    } finally {
      onStop.dispose();
    }
  };
}

async function render(
  s: Services, events: AsyncIterable<RunEvent>, stream: vscode.ChatResponseStream,
  meta: (status: MinionsChatResult['metadata']['status']) => MinionsChatResult['metadata'], inPlan: boolean,
): Promise<MinionsChatResult> {
  let runId: string | undefined;
  let queued = 0;
  let done = 0;
  let found = 0;
  let round = 0;
  let answer: { markdown: string; citations: Citation[] } | undefined;
  let fatal: MinionsError | undefined;
  for await (const e of events) {
    s.log.event(e);
    switch (e.type) {
      case 'run-started':
        runId = e.runId;
        break;
      case 'round-started':
        round = e.round;
        stream.progress(`Round ${e.round}/${e.maxRounds}: the remote model is planning…`);
        break;
      case 'plan':
        stream.progress(`Round ${round}: ${e.tasks.length} task(s) planned; the local model is reading…`);
        break;
      case 'job-queued':
        queued++;
        break;
      case 'job-finished':
        done++;
        if (e.status === 'answered') found++;
        stream.progress(`Round ${round}: read ${done}/${queued} chunks, ${found} finding(s)`);
        break;
      case 'synthesis':
        stream.progress(e.decision === 'answer' ? 'Writing the answer…' : `Reading more: ${e.missing ?? ''}`);
        break;
      case 'answer':
        answer = { markdown: e.markdown, citations: e.citations };
        break;
      case 'error':
        if (e.fatal) fatal = new MinionsError(e.error.code as MinionsError['code'], e.error.message, e.error.hint);
        break;
      case 'cancelled':
        await s.statusBar.recordRun(e.ledger);
        stream.markdown('*Stopped.* Nothing more was sent to the models.');
        return { metadata: { ...meta('cancelled'), ...(runId ? { runId } : {}), ledger: e.ledger } };
      case 'run-finished': {
        await s.statusBar.recordRun(e.ledger);
        const base = { ...(runId ? { runId } : {}), ledger: e.ledger };
        if (!e.ok || !answer) {
          const message = (fatal ?? new MinionsError('internal', 'The run failed')).toUserString();
          stream.markdown(`**Minions:** ${message}`);
          return { metadata: { ...meta('failed'), ...base }, errorDetails: { message } };
        }
        writeAnswer(s, stream, answer.markdown, answer.citations);
        stream.markdown(`\n\n---\n*${ledgerFooter(e.ledger, inPlan)}*`);
        return { metadata: { ...meta('finished'), ...base, citations: answer.citations } };
      }
      default:
        break;
    }
  }
  throw new MinionsError('internal', 'The run ended without a result', 'Show the log (Minions: Show Log) and report it');
}

/** The answer with each citation as an anchor on its lines, then the cited ranges as references. */
function writeAnswer(s: Services, stream: vscode.ChatResponseStream, markdown: string, citations: readonly Citation[]): void {
  const roots = s.index.roots();
  const locate = (c: Citation): vscode.Location | undefined => {
    const fsPath = fromIndexPath(roots, c.path);
    return fsPath ? new vscode.Location(vscode.Uri.file(fsPath), new vscode.Range(c.startLine - 1, 0, c.endLine - 1, Number.MAX_SAFE_INTEGER)) : undefined;
  };
  const referenced = new Set<string>();
  // Only paths the engine found in the index become links.
  const known = new Set(citations.map((c) => c.path));
  for (const part of answerParts(markdown, (p) => known.has(p))) {
    if (part.kind === 'text') {
      stream.markdown(part.text);
      continue;
    }
    const location = locate(part.citation);
    if (!location) {
      stream.markdown(part.label);
      continue;
    }
    stream.anchor(location, part.label);
    const key = `${part.citation.path}:${part.citation.startLine}-${part.citation.endLine}`;
    if (!referenced.has(key)) {
      referenced.add(key);
      stream.reference(location);
    }
  }
}
