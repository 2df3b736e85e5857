// Placeholder for the embedded llama.cpp provider (node-llama-cpp); replaced by its own work.
import { MinionsError } from '../errors';
import type { ChatModel } from './types';

export interface EmbeddedModelOptions {
  modelPath: string;
  /** Parallel context sequences (jobs at once). */
  parallel?: number;
  contextTokens?: number;
}

export async function createEmbeddedModel(_options: EmbeddedModelOptions): Promise<ChatModel> {
  throw new MinionsError('internal', 'The embedded local provider is not built yet');
}
