// Finds and loads node-llama-cpp for the embedded provider. It is not a dependency of the
// extension (its native binaries stay out of the .vsix): scripts/provision-model.mjs installs it
// with only the CPU binary into the project's model cache (.cache/models/runtime), and a user
// may also install it next to the CLI. The narrow interfaces below are the part of its API we
// call, so the typecheck does not need the package to be installed.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { MinionsError } from '../errors';

/** Where provisioning puts the runtime, relative to the repository root. */
export const RUNTIME_DIR = join('.cache', 'models', 'runtime');
export const NODE_LLAMA_CPP_VERSION = '3.22.1';

export interface NlcTokenMeterState {
  usedInputTokens: number;
  usedOutputTokens: number;
}

export interface NlcTokenizer {
  (text: string, specialTokens?: boolean): readonly number[];
}

export interface NlcSequence {
  readonly tokenMeter: { getState(): NlcTokenMeterState };
  readonly contextTokens: readonly number[];
  dispose(): void;
}

export interface NlcContext {
  readonly contextSize: number;
  getSequence(): NlcSequence;
  dispose(): Promise<void>;
}

export interface NlcModel {
  readonly trainContextSize: number;
  readonly tokenizer: NlcTokenizer;
  createContext(options: { contextSize?: number; sequences?: number; threads?: number; batchSize?: number }): Promise<NlcContext>;
  dispose(): Promise<void>;
}

/** Opaque: made by the Llama instance, handed back to generateResponse. */
export type NlcGrammar = object;

export interface NlcLlama {
  loadModel(options: { modelPath: string }): Promise<NlcModel>;
  createGrammarForJsonSchema(schema: object): Promise<NlcGrammar>;
  dispose(): Promise<void>;
}

export type NlcChatHistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: string[] };

export interface NlcLlamaText {
  tokenize(tokenizer: NlcTokenizer): readonly number[];
}

export interface NlcChatWrapper {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: NlcChatHistoryItem[] }): { contextText: NlcLlamaText };
}

export type NlcStopReason = 'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'abort' | 'customStopTrigger';

export interface NlcChat {
  readonly chatWrapper: NlcChatWrapper;
  generateResponse(history: NlcChatHistoryItem[], options: {
    grammar?: NlcGrammar;
    maxTokens?: number;
    temperature?: number;
    signal?: AbortSignal;
    stopOnAbortSignal?: boolean;
    onTextChunk?: (text: string) => void;
  }): Promise<{ response: string; metadata: { stopReason: NlcStopReason } }>;
  dispose(options?: { disposeSequence?: boolean }): void;
}

export interface GgufInfo {
  metadata: {
    general?: { architecture?: string; name?: string; basename?: string; finetune?: string; size_label?: string };
    tokenizer?: { chat_template?: string };
    [arch: string]: unknown;
  };
}

export interface NodeLlamaCpp {
  getLlama(options: { gpu: false; build: 'never'; logLevel?: string; progressLogs?: boolean; maxThreads?: number }): Promise<NlcLlama>;
  LlamaChat: new (options: { contextSequence: NlcSequence; autoDisposeSequence?: boolean }) => NlcChat;
  readGgufFileInfo(path: string): Promise<GgufInfo>;
}

/** Folders to look for a provisioned runtime in: an explicit one, then up from this module and from the working folder. */
export function runtimeCandidates(env: NodeJS.ProcessEnv = process.env, from: string[] = [__dirname, process.cwd()]): string[] {
  const out: string[] = [];
  if (env.MINIONS_NODE_LLAMA_CPP_DIR) out.push(resolve(env.MINIONS_NODE_LLAMA_CPP_DIR));
  for (const start of from) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, RUNTIME_DIR);
      if (!out.includes(candidate)) out.push(candidate);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return out;
}

let loaded: Promise<NodeLlamaCpp> | undefined;

/** Imports node-llama-cpp once per process: from the provisioned runtime folder, else wherever node resolves it. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loaded ??= (async () => {
    for (const dir of runtimeCandidates()) {
      if (!existsSync(join(dir, 'node_modules', 'node-llama-cpp', 'package.json'))) continue;
      // An ES module: resolve its entry with the folder's own require, then import it by URL.
      const entry = createRequire(join(dir, 'package.json')).resolve('node-llama-cpp');
      return (await import(pathToFileURL(entry).href)) as NodeLlamaCpp;
    }
    try {
      // A variable keeps bundlers and the typechecker from resolving it at build time.
      const name = 'node-llama-cpp';
      return (await import(name)) as NodeLlamaCpp;
    } catch (err) {
      loaded = undefined;
      throw new MinionsError('local-model-missing', 'The embedded local provider needs node-llama-cpp, which is not installed',
        'Run scripts/provision-model.mjs in the Minions repository (it installs the CPU runtime and the model), or npm install node-llama-cpp@' + NODE_LLAMA_CPP_VERSION,
        { cause: err });
    }
  })();
  return loaded;
}

let llamaInstance: Promise<NlcLlama> | undefined;

/** One llama.cpp instance per process (it owns the native backend); CPU only, never builds from source. */
export function getCpuLlama(): Promise<NlcLlama> {
  llamaInstance ??= (async () => {
    const nlc = await loadNodeLlamaCpp();
    try {
      return await nlc.getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
    } catch (err) {
      llamaInstance = undefined;
      throw new MinionsError('local-model-missing', `node-llama-cpp found no prebuilt llama.cpp binary for ${process.platform}-${process.arch}: ${(err as Error).message}`,
        'Run scripts/provision-model.mjs again; it installs the prebuilt CPU binary for this platform', { cause: err });
    }
  })();
  return llamaInstance;
}
