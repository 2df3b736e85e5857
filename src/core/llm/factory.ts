// The one place model clients are made from settings, plus the Ollama and remote checks the
// extension's setup flow and the CLI use. Everything returns or throws typed MinionsErrors.
import { Ollama, type ModelResponse } from 'ollama';
import OpenAI from 'openai';
import type { ChatModel } from './types';
import { OllamaModel } from './ollama';
import { OpenAICompatibleModel } from './openai';
import { classifyOllama, classifyOpenAI, withoutSecret, type CallContext } from './classify';
import { AttemptController, anySignal } from './abort';
import { MinionsError } from '../errors';
import type { ProtocolName } from '../protocol/events';
import { DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL } from '../settings';

export { DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL };

export interface LocalModelConfig {
  provider: 'ollama' | 'openai-compatible' | 'embedded';
  url?: string;
  model: string;
  apiKey?: string;
  /** The GGUF file for the embedded provider. */
  modelPath?: string;
  /** Jobs at once (the engine's scheduler reads it; the embedded provider opens this many sequences). */
  parallel?: number;
  numCtx?: 'auto' | number;
  keepAlive?: string;
  timeoutMs?: number;
}

export interface RemoteModelConfig {
  url?: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

export async function createLocalModel(c: LocalModelConfig): Promise<ChatModel> {
  if (!c.model && c.provider !== 'embedded') {
    throw new MinionsError('bad-input', 'No local model is configured', 'Choose one in the settings (e.g. qwen2.5-coder:3b)');
  }
  switch (c.provider) {
    case 'ollama':
      return new OllamaModel({
        url: c.url || DEFAULT_OLLAMA_URL,
        model: c.model,
        ...(c.numCtx !== undefined ? { numCtx: c.numCtx } : {}),
        ...(c.keepAlive ? { keepAlive: c.keepAlive } : {}),
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      });
    case 'openai-compatible':
      if (!c.url) throw new MinionsError('bad-input', 'The OpenAI-compatible local provider needs a URL', 'Set the local URL, e.g. http://127.0.0.1:1234/v1 for LM Studio');
      return new OpenAICompatibleModel({
        role: 'local',
        url: c.url,
        model: c.model,
        // Local servers usually ignore the key, but the client insists on one.
        apiKey: c.apiKey || 'not-needed',
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      });
    case 'embedded': {
      if (!c.modelPath) throw new MinionsError('bad-input', 'The embedded local provider needs a model file', 'Set the path of a .gguf model file in the local model settings');
      const { createEmbeddedModel } = await import('./embedded');
      return createEmbeddedModel({
        modelPath: c.modelPath,
        ...(c.parallel !== undefined ? { parallel: c.parallel } : {}),
        ...(typeof c.numCtx === 'number' ? { contextTokens: c.numCtx } : {}),
      });
    }
    default:
      throw new MinionsError('bad-input', `Unknown local provider "${String((c as { provider: unknown }).provider)}"`, 'Use ollama, openai-compatible or embedded');
  }
}

export function createRemoteModel(c: RemoteModelConfig): ChatModel {
  if (!c.model) throw new MinionsError('bad-input', 'No remote model is configured', 'Choose one in the settings (e.g. gpt-4.1-mini)');
  return new OpenAICompatibleModel({
    role: 'remote',
    url: c.url || DEFAULT_REMOTE_URL,
    model: c.model,
    apiKey: c.apiKey ?? '',
    ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
  });
}

function ollamaClient(url: string, attempt: AttemptController): Ollama {
  return new Ollama({ host: url.replace(/\/+$/, ''), fetch: (input, init) => fetch(input, { ...init, signal: anySignal(init?.signal ?? undefined, attempt.signal) }) });
}

async function ollamaCall<T>(url: string, model: string, timeoutMs: number, signal: AbortSignal | undefined, fn: (client: Ollama) => Promise<T>): Promise<T> {
  const attempt = new AttemptController(signal, timeoutMs);
  try {
    return await fn(ollamaClient(url, attempt));
  } catch (err) {
    const ctx: CallContext = { role: 'local', provider: 'ollama', url, model, timeoutMs, timedOut: attempt.timedOut, cancelled: attempt.cancelledByCaller };
    throw classifyOllama(err, ctx).error;
  } finally {
    attempt.dispose();
  }
}

export interface LocalModelInfo {
  name: string;
  sizeBytes: number;
  parameterSize?: string;
  quantization?: string;
}

/** The models Ollama has installed (`/api/tags`). */
export async function listLocalModels(url: string = DEFAULT_OLLAMA_URL, signal?: AbortSignal): Promise<LocalModelInfo[]> {
  const res = await ollamaCall(url, '', 10_000, signal, (c) => c.list());
  return res.models.map((m: ModelResponse) => ({
    name: m.name,
    sizeBytes: m.size,
    ...(m.details?.parameter_size ? { parameterSize: m.details.parameter_size } : {}),
    ...(m.details?.quantization_level ? { quantization: m.details.quantization_level } : {}),
  }));
}

/** The model's context window from `/api/show`, when the server reports one. */
export async function localModelContext(url: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
  const info = await ollamaCall(url, model, 10_000, signal, (c) => c.show({ model }));
  const entries: [string, unknown][] = info.model_info instanceof Map ? [...info.model_info.entries()] : Object.entries(info.model_info ?? {});
  const found = entries.find(([k, v]) => k.endsWith('.context_length') && typeof v === 'number');
  return found ? (found[1] as number) : undefined;
}

export interface PullProgress {
  status: string;
  /** Bytes done and total of the layer being downloaded, when known. */
  completed?: number;
  total?: number;
}

/** Pulls a model into Ollama (`/api/pull`), reporting progress; cancellable. */
export async function pullLocalModel(
  url: string,
  model: string,
  onProgress: (p: PullProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  // No overall timeout (a pull of several GB is long); a stall of 5 minutes without progress fails it.
  const attempt = new AttemptController(signal, 300_000);
  try {
    const stream = await ollamaClient(url, attempt).pull({ model, stream: true });
    for await (const part of stream) {
      attempt.touch();
      onProgress({ status: part.status, ...(part.total ? { total: part.total, completed: part.completed ?? 0 } : {}) });
    }
  } catch (err) {
    const ctx: CallContext = { role: 'local', provider: 'ollama', url, model, timeoutMs: 300_000, timedOut: attempt.timedOut, cancelled: attempt.cancelledByCaller };
    const c = classifyOllama(err, ctx).error;
    if (c.code === 'internal' && /not found|manifest|pull model/i.test(c.message)) {
      throw new MinionsError('local-model-missing', `Ollama cannot pull "${model}": ${(err as Error).message}`, 'Check the name on ollama.com/library (e.g. qwen2.5-coder:3b)', { cause: err });
    }
    throw c;
  } finally {
    attempt.dispose();
  }
}

export interface RemoteCheck {
  ok: true;
  /** Whether `/models` listed the configured model (false when the endpoint does not list models). */
  modelListed: boolean;
}

/**
 * Is the key accepted and does the model exist? Lists `/models` (no tokens spent); servers that
 * do not implement it are asked nothing more. Throws the same typed errors a run would.
 */
export async function checkRemote(c: RemoteModelConfig, signal?: AbortSignal): Promise<RemoteCheck> {
  const url = (c.url || DEFAULT_REMOTE_URL).replace(/\/+$/, '');
  if (!c.apiKey) createRemoteModel(c); // throws remote-key-missing with its hint
  const timeoutMs = c.timeoutMs ?? 15_000;
  const client = new OpenAI({ apiKey: c.apiKey!, baseURL: url, maxRetries: 0, timeout: timeoutMs });
  const attempt = new AttemptController(signal, timeoutMs);
  try {
    const ids: string[] = [];
    for await (const m of client.models.list({ signal: attempt.signal })) ids.push(m.id);
    if (ids.length > 0 && !ids.includes(c.model)) {
      throw new MinionsError('remote-model-missing', `The remote API at ${url} has no model "${c.model}"`, `Choose one of the models your key can use (e.g. ${ids.slice(0, 3).join(', ')})`);
    }
    return { ok: true, modelListed: ids.includes(c.model) };
  } catch (err) {
    if (err instanceof MinionsError) throw err;
    // Some compatible servers have no /models: that says nothing about the key or the model.
    if ((err as { status?: unknown }).status === 404) return { ok: true, modelListed: false };
    const ctx: CallContext = { role: 'remote', provider: 'openai-compatible', url, model: c.model, timeoutMs, timedOut: attempt.timedOut, cancelled: attempt.cancelledByCaller };
    throw withoutSecret(classifyOpenAI(err, ctx), c.apiKey).error;
  } finally {
    attempt.dispose();
  }
}

/**
 * A stand-in remote for runs that never call it (the local-only protocol without a key): it
 * names the model for the ledger's baseline and fails clearly if anything does call it.
 */
/**
 * The remote model a run of `protocol` needs. Local-only never calls the remote, so a missing
 * key is not an error there: the model name still prices the ledger's baseline.
 */
export function createRemoteModelFor(protocol: ProtocolName, config: RemoteModelConfig): ChatModel {
  try {
    return createRemoteModel(config);
  } catch (err) {
    if (protocol !== 'local' || !(err instanceof MinionsError)) throw err;
    return unavailableRemoteModel(config.model, err);
  }
}

export function unavailableRemoteModel(model: string, reason: MinionsError): ChatModel {
  return {
    role: 'remote',
    provider: 'unavailable',
    model,
    chat: () => Promise.reject(reason),
  };
}
