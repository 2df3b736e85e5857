// The remote role served by one of VS Code's own language models (vscode.lm: Copilot and any
// extension that provides models), so a user with such a plan needs no API key. The LM API has
// no JSON mode and no system role: the schema travels as a prompt instruction and chatJson
// parses the reply tolerantly; system messages become the first user message. It reports no
// usage either, so tokens are counted here with the model's own countTokens (CallUsage carries
// them like a server's counts; the UI labels runs on this provider as counted here, and their
// cost as included in the user's plan).
import * as vscode from 'vscode';
import { MinionsError } from '../../core/errors';
import { schemaInstruction } from '../../core/llm/schema-instruction';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult } from '../../core/llm/types';

export const VSCODE_LM_PROVIDER = 'vscode-lm';
const JUSTIFICATION = 'Minions uses this model to plan how to read your code and to write the answer; the code itself is read by your local model.';

/** The LM API's messages for ours: system text leads the first user turn (the API has no system role). */
export function toLmMessages(messages: readonly ChatMessage[], schema: ChatRequest['schema']): vscode.LanguageModelChatMessage[] {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (schema) system.push(schemaInstruction(schema));
  const rest = messages.filter((m) => m.role !== 'system');
  const out: vscode.LanguageModelChatMessage[] = [];
  if (system.length) out.push(vscode.LanguageModelChatMessage.User(system.join('\n\n')));
  for (const m of rest) out.push(m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content));
  return out;
}

export class VsCodeLmChatModel implements ChatModel {
  readonly role = 'remote' as const;
  readonly provider = VSCODE_LM_PROVIDER;
  readonly model: string;
  readonly contextTokens: number;

  constructor(private readonly lm: vscode.LanguageModelChat) {
    // Named by provider and id, so the price table never mistakes it for a pay-per-token API.
    this.model = `${VSCODE_LM_PROVIDER}:${lm.id}`;
    this.contextTokens = lm.maxInputTokens;
  }

  /** What the user sees, e.g. "GPT-4.1 (copilot)". */
  get label(): string {
    return `${this.lm.name} (${this.lm.vendor})`;
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (request.signal?.aborted) throw new MinionsError('cancelled', 'The run was cancelled');
      const messages = toLmMessages(request.messages, request.schema);
      const promptCounts = await Promise.all(messages.map((m) => this.lm.countTokens(m, cancel.token)));
      const response = await this.lm.sendRequest(messages, { justification: JUSTIFICATION }, cancel.token);
      let content = '';
      for await (const piece of response.text) {
        content += piece;
        request.onDelta?.(piece);
      }
      if (request.signal?.aborted) throw new MinionsError('cancelled', 'The run was cancelled');
      const completionTokens = content ? await this.lm.countTokens(content, cancel.token) : 0;
      return {
        content,
        usage: { promptTokens: promptCounts.reduce((a, b) => a + b, 0), completionTokens },
        finishReason: 'stop',
        model: this.model,
        ms: Date.now() - started,
      };
    } catch (err) {
      throw this.explain(err, request.signal);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  private explain(err: unknown, signal: AbortSignal | undefined): MinionsError {
    if (err instanceof MinionsError) return err;
    if (signal?.aborted || err instanceof vscode.CancellationError) return new MinionsError('cancelled', 'The run was cancelled', undefined, { cause: err });
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof vscode.LanguageModelError) {
      switch (err.code) {
        case 'NoPermissions':
          return new MinionsError('remote-key-rejected', `VS Code did not let Minions use ${this.label}: ${message}`, 'Allow Minions to use the model when VS Code asks, or pick another in minions.remote.model', { cause: err });
        case 'NotFound':
          return new MinionsError('remote-model-missing', `The language model ${this.label} is no longer available`, 'Check that its extension (e.g. GitHub Copilot Chat) is installed and signed in', { cause: err });
        case 'Blocked':
          return new MinionsError('remote-rate-limited', `${this.label} refused the request for now: ${message}`, 'Wait a moment and ask again', { cause: err });
      }
    }
    return new MinionsError('remote-unreachable', `${this.label} failed: ${message}`, 'Try again, or set minions.remote.provider to openai-compatible', { cause: err });
  }
}

/**
 * The VS Code language model for minions.remote.model: matched by id, then by family, then
 * the first one offered. Undefined when VS Code offers none.
 */
export async function selectLmModel(wanted: string): Promise<VsCodeLmChatModel | undefined> {
  if (!vscode.lm?.selectChatModels) return undefined;
  const models = await vscode.lm.selectChatModels();
  const pick = models.find((m) => m.id === wanted) ?? models.find((m) => m.family === wanted) ?? models[0];
  return pick ? new VsCodeLmChatModel(pick) : undefined;
}

/** The names of the models VS Code offers (for the setup check), [] when none or no API. */
export async function availableLmModels(): Promise<string[]> {
  if (!vscode.lm?.selectChatModels) return [];
  try {
    return (await vscode.lm.selectChatModels()).map((m) => `${m.name} (${m.vendor})`);
  } catch {
    return [];
  }
}
