// The embedded local provider: a GGUF model run in this process by llama.cpp through
// node-llama-cpp, with no server. One context holds N sequences, so up to N requests decode
// together in shared batches (the "parallel" of Ollama), and a request beyond that waits for a
// free sequence. The request's JSON schema becomes a llama.cpp grammar, so the model cannot
// produce anything else.
import { existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { MinionsError } from '../errors';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, FinishReason, JsonSchema } from './types';
import { ANY_JSON_OBJECT, fitSchemaToBudget } from './embedded-schema';
import { closeTruncatedJson } from './close-json';
import { getCpuLlama, loadNodeLlamaCpp, type NlcChat, type NlcChatHistoryItem, type NlcContext, type NlcGrammar, type NlcLlama, type NlcModel, type NlcSequence, type NlcStopReason } from './embedded-runtime';

export interface EmbeddedModelOptions {
  modelPath: string;
  /** Parallel context sequences (jobs at once). Default 2. */
  parallel?: number;
  /** Context window of each sequence, in tokens. Default 8192 (capped at what the model was trained on). */
  contextTokens?: number;
  /**
   * CPU threads for evaluation. Default: half the cores, at least 1. llama.cpp's threads spin at
   * barriers, so asking for every core on a busy machine makes it many times slower, not faster.
   */
  threads?: number;
  /** Name reported as the model (default: the file name without .gguf). */
  name?: string;
}

const DEFAULT_MAX_TOKENS = 1024;
/** Fewer free tokens than this after the prompt and no useful answer can be written. */
const MIN_ANSWER_ROOM = 16;
const GGUF_MAGIC = 'GGUF';

export function defaultThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/** Checks the file before llama.cpp sees it: a missing or non-GGUF file gets a clear error, not a native crash. */
export function checkModelFile(modelPath: string): void {
  const hint = 'Run scripts/provision-model.mjs to download the model, or set the path of a .gguf file';
  if (!existsSync(modelPath)) throw new MinionsError('local-model-missing', `The model file ${modelPath} does not exist`, hint);
  const st = statSync(modelPath);
  if (!st.isFile()) throw new MinionsError('local-model-missing', `${modelPath} is not a file`, hint);
  const head = Buffer.alloc(4);
  const fd = openSync(modelPath, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== GGUF_MAGIC) {
    throw new MinionsError('local-model-missing', `${modelPath} is not a GGUF model file (it does not start with "GGUF")`, hint);
  }
}

function toHistory(messages: readonly ChatMessage[]): NlcChatHistoryItem[] {
  return messages.map((m): NlcChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'model', response: [m.content] };
  });
}

function finishReason(stop: NlcStopReason): FinishReason {
  if (stop === 'maxTokens') return 'length';
  if (stop === 'eogToken' || stop === 'stopGenerationTrigger' || stop === 'customStopTrigger') return 'stop';
  return 'other';
}

function cancelled(cause?: unknown): MinionsError {
  return new MinionsError('cancelled', 'The local request was cancelled', undefined, cause === undefined ? undefined : { cause });
}

/** One sequence of the shared context with the chat driver bound to it. */
interface Slot {
  sequence: NlcSequence;
  chat: NlcChat;
}

export class EmbeddedModel implements ChatModel {
  readonly role = 'local' as const;
  readonly provider = 'embedded';
  readonly model: string;
  readonly contextTokens: number;
  readonly parallel: number;
  private readonly free: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly grammars = new Map<string, Promise<NlcGrammar>>();
  private disposed = false;

  constructor(
    private readonly llama: NlcLlama,
    private readonly loaded: NlcModel,
    private readonly context: NlcContext,
    slots: Slot[],
    name: string,
  ) {
    this.model = name;
    this.contextTokens = context.contextSize;
    this.parallel = slots.length;
    this.free = [...slots];
  }

  /** The chat template node-llama-cpp chose for this model (from its GGUF metadata or architecture). */
  get chatTemplate(): string {
    return this.free[0]?.chat.chatWrapper.wrapperName ?? 'unknown';
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    if (this.disposed) throw new MinionsError('internal', 'The embedded model was closed', 'Start the run again');
    if (request.signal?.aborted) throw cancelled(request.signal.reason);
    const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    const schema = request.schema && (Object.keys(request.schema.schema).length === 0 ? ANY_JSON_OBJECT : request.schema.schema);
    const slot = await this.acquire(request.signal);
    const started = Date.now();
    try {
      const history = toHistory(request.messages);
      const promptTokens = slot.chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(this.loaded.tokenizer).length;
      // llama.cpp would otherwise shift the context and silently drop the start of the prompt.
      if (promptTokens >= this.contextTokens - MIN_ANSWER_ROOM) {
        throw new MinionsError('context-too-long', `The prompt (${promptTokens} tokens) does not fit the embedded model's ${this.contextTokens}-token context`,
          'Raise the context size of the embedded model (--ctx, or the numCtx setting), or ask about a smaller scope');
      }
      const budget = Math.min(maxTokens, this.contextTokens - promptTokens);
      const grammar = schema ? await this.grammarFor(fitSchemaToBudget(schema, budget)) : undefined;
      const before = slot.sequence.tokenMeter.getState().usedOutputTokens;
      let result;
      try {
        result = await slot.chat.generateResponse(history, {
          ...(grammar ? { grammar } : {}),
          maxTokens: budget,
          temperature: request.temperature ?? 0,
          ...(request.signal ? { signal: request.signal, stopOnAbortSignal: false } : {}),
          ...(request.onDelta ? { onTextChunk: request.onDelta } : {}),
        });
      } catch (err) {
        if (request.signal?.aborted) throw cancelled(err);
        if (/context size|too long|exceeds/i.test((err as Error).message ?? '')) {
          throw new MinionsError('context-too-long', `The prompt (${promptTokens} tokens) does not fit the embedded model's ${this.contextTokens}-token context`,
            'Raise the context size of the embedded model, or ask about a smaller scope', { cause: err });
        }
        throw new MinionsError('internal', `The embedded model failed: ${(err as Error).message}`, 'Check that the model file is a valid chat model GGUF', { cause: err });
      }
      if (result.metadata.stopReason === 'abort' || request.signal?.aborted) throw cancelled(request.signal?.reason);
      const completionTokens = slot.sequence.tokenMeter.getState().usedOutputTokens - before;
      let content = result.response;
      let finish = finishReason(result.metadata.stopReason);
      let closedAfterCut = false;
      // The grammar keeps the output a JSON prefix, the schema caps make it close in time for
      // ordinary text; when the budget still cuts it (runaway keys, a CPU whose kernels pick
      // other tokens), close it here, so the promise "JSON that closes within the budget" holds
      // for every schema. Fields the cut removed make a schema check fail, as any bad answer would.
      if (grammar && finish === 'length') {
        const closed = closeTruncatedJson(content);
        if (closed !== undefined) {
          content = closed;
          finish = 'stop';
          closedAfterCut = true;
        }
      }
      return {
        content,
        // The whole prompt, as Ollama and OpenAI report it, even when a shared prefix was reused from the sequence's cache.
        usage: { promptTokens, completionTokens },
        finishReason: finish,
        ...(closedAfterCut ? { closedAfterCut } : {}),
        model: this.model,
        ms: Date.now() - started,
      };
    } finally {
      this.release(slot);
    }
  }

  /** Frees the native memory; pending and later calls fail. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.context.dispose();
    await this.loaded.dispose();
  }

  /**
   * Grammars are compiled once per distinct schema (the engine sends the same few over and over).
   * The empty schema `{}` (any JSON, what Ollama's `format: "json"` asks for) becomes a bounded flat object.
   */
  private grammarFor(schema: JsonSchema): Promise<NlcGrammar> {
    const key = JSON.stringify(schema);
    let g = this.grammars.get(key);
    if (!g) {
      g = this.llama.createGrammarForJsonSchema(schema).catch((err: unknown) => {
        this.grammars.delete(key);
        throw new MinionsError('bad-input', `The embedded model cannot enforce this JSON schema: ${(err as Error).message}`,
          'Use a schema with plain objects, arrays, strings, numbers, booleans and enums', { cause: err });
      });
      this.grammars.set(key, g);
    }
    return g;
  }

  private acquire(signal: AbortSignal | undefined): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      const take = (s: Slot) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(cancelled(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

/** Loads a GGUF file and opens `parallel` sequences on one context. */
export async function createEmbeddedModel(options: EmbeddedModelOptions): Promise<EmbeddedModel> {
  checkModelFile(options.modelPath);
  const nlc = await loadNodeLlamaCpp();
  const llama = await getCpuLlama();
  let model: NlcModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath });
  } catch (err) {
    throw new MinionsError('local-model-missing', `llama.cpp cannot load ${options.modelPath}: ${(err as Error).message}`,
      'The file may be truncated or corrupt; run scripts/provision-model.mjs to fetch it again', { cause: err });
  }
  const parallel = Math.max(1, Math.floor(options.parallel ?? 2));
  const contextSize = Math.min(options.contextTokens ?? 8192, model.trainContextSize || Infinity);
  let context: NlcContext;
  try {
    context = await model.createContext({ contextSize, sequences: parallel, threads: options.threads ?? defaultThreads() });
  } catch (err) {
    await model.dispose();
    throw new MinionsError('local-model-missing', `llama.cpp cannot open a ${contextSize}-token context with ${parallel} sequences: ${(err as Error).message}`,
      'Lower the parallel jobs or the context size of the embedded model', { cause: err });
  }
  const slots: Slot[] = [];
  for (let i = 0; i < parallel; i++) {
    const sequence = context.getSequence();
    slots.push({ sequence, chat: new nlc.LlamaChat({ contextSequence: sequence }) });
  }
  return new EmbeddedModel(llama, model, context, slots, options.name ?? basename(options.modelPath).replace(/\.gguf$/i, ''));
}
