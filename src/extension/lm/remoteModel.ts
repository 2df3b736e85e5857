// Which remote a run gets when minions.remote.provider is "vscode-lm": the VS Code language
// model the settings name (undefined for the OpenAI-compatible provider, which the core builds
// from the settings and the key).
import { MinionsError } from '../../core/errors';
import type { ChatModel } from '../../core/llm/types';
import type { MinionsSettings } from '../settings';
import { selectLmModel } from './lmChatModel';

export async function remoteModelFor(settings: MinionsSettings, preferred?: ChatModel): Promise<ChatModel | undefined> {
  if (settings.remote.provider !== 'vscode-lm' || settings.protocol === 'local') return undefined;
  if (preferred) return preferred;
  const model = await selectLmModel(settings.remote.model);
  if (!model) {
    throw new MinionsError('remote-model-missing', 'No language model is available through VS Code for minions.remote.provider "vscode-lm"',
      'Install and sign in to an extension that provides models (e.g. GitHub Copilot Chat), or set minions.remote.provider to openai-compatible');
  }
  return model;
}
