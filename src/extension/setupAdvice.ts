// What is wrong with the setup and which buttons fix it. Pure: setup.ts gathers the facts
// (is Ollama reachable, which models it has, is a key set, did the remote accept it) and shows
// what this module decides, so every message is unit-tested.

import type { LocalProvider } from './settings';
import type { ProtocolName } from '../core/protocol/events';

export type FixAction = 'ollamaInstructions' | 'pullModel' | 'selectModel' | 'setApiKey' | 'useVsCodeModels' | 'openSettings' | 'showLog' | 'retry';

export interface SetupFacts {
  protocol: ProtocolName;
  localProvider: LocalProvider;
  localUrl: string;
  localModel: string;
  /** undefined: not checked (the protocol does not use the local model). */
  local?: { reachable: true; models: string[] } | { reachable: false; error: string };
  remoteBaseUrl: string;
  remoteModel: string;
  keySet: boolean;
  /** 'vscode-lm': the remote is one of VS Code's language models, no key needed. */
  remoteProvider?: 'openai-compatible' | 'vscode-lm';
  /** The language models VS Code offers (undefined: not checked). */
  lmModels?: string[];
  /** undefined: not checked. */
  remote?: { ok: true } | { ok: false; code: string; message: string; hint?: string };
}

export interface SetupProblem {
  id: 'local-unreachable' | 'local-model-missing' | 'remote-key-missing' | 'remote-rejected' | 'remote-lm-missing';
  severity: 'error' | 'warning';
  message: string;
  actions: { label: string; action: FixAction }[];
}

export function usesLocal(protocol: ProtocolName): boolean {
  return protocol !== 'remote';
}

export function usesRemote(protocol: ProtocolName): boolean {
  return protocol !== 'local';
}

/** Ollama names `llama3` and `llama3:latest` the same model. */
export function hasModel(models: readonly string[], wanted: string): boolean {
  const norm = (m: string) => (m.includes(':') ? m : `${m}:latest`);
  return models.some((m) => norm(m) === norm(wanted));
}

export function diagnose(f: SetupFacts): SetupProblem[] {
  const problems: SetupProblem[] = [];
  if (usesLocal(f.protocol) && f.local) {
    if (!f.local.reachable) {
      const what = f.localProvider === 'ollama' ? 'Ollama' : 'The local model server';
      const fix = f.localProvider === 'ollama'
        ? 'Start it with `ollama serve` (install it from ollama.com if needed), or change minions.local.url.'
        : 'Start the server or change minions.local.url.';
      problems.push({
        id: 'local-unreachable',
        severity: 'error',
        message: `${what} is not reachable at ${f.localUrl} (${f.local.error}). ${fix}`,
        actions: [
          ...(f.localProvider === 'ollama' ? [{ label: 'How to Start Ollama', action: 'ollamaInstructions' as const }] : []),
          { label: 'Open Settings', action: 'openSettings' },
          { label: 'Retry', action: 'retry' },
        ],
      });
    } else if (f.localProvider === 'ollama' && !hasModel(f.local.models, f.localModel)) {
      problems.push({
        id: 'local-model-missing',
        severity: 'error',
        message: `The local model "${f.localModel}" is not in Ollama at ${f.localUrl}` +
          (f.local.models.length ? ` (it has: ${f.local.models.slice(0, 5).join(', ')}${f.local.models.length > 5 ? ', …' : ''}).` : ' (it has no models yet).') +
          ' Pull it, or pick one Ollama has.',
        actions: [
          { label: `Pull ${f.localModel}`, action: 'pullModel' },
          ...(f.local.models.length ? [{ label: 'Select Local Model', action: 'selectModel' as const }] : []),
        ],
      });
    }
  }
  if (usesRemote(f.protocol) && f.remoteProvider === 'vscode-lm') {
    if (f.lmModels && f.lmModels.length === 0) {
      problems.push({
        id: 'remote-lm-missing',
        severity: 'error',
        message: 'minions.remote.provider is "vscode-lm", but VS Code offers no language model. Install and sign in to an extension that provides one (e.g. GitHub Copilot Chat), or use an API key instead.',
        actions: [{ label: 'Set API Key', action: 'setApiKey' }, { label: 'Open Settings', action: 'openSettings' }],
      });
    }
  } else if (usesRemote(f.protocol)) {
    if (!f.keySet) {
      const lm = f.lmModels?.[0];
      problems.push({
        id: 'remote-key-missing',
        severity: 'error',
        message: `No API key is set for the remote model (${f.remoteModel} at ${f.remoteBaseUrl}). Set one; it is kept in VS Code's secret storage.` +
          (lm ? ` Or use ${lm} through VS Code, with no key (its cost is included in your plan).` : ''),
        actions: [
          { label: 'Set API Key', action: 'setApiKey' },
          ...(lm ? [{ label: 'Use VS Code Language Model', action: 'useVsCodeModels' as const }] : []),
          { label: 'Open Settings', action: 'openSettings' },
        ],
      });
    } else if (f.remote && !f.remote.ok) {
      const keyProblem = f.remote.code === 'remote-key-rejected';
      problems.push({
        id: 'remote-rejected',
        severity: f.remote.code === 'remote-rate-limited' ? 'warning' : 'error',
        message: `The remote model at ${f.remoteBaseUrl} did not accept the request: ${f.remote.message}.` + (f.remote.hint ? ` ${f.remote.hint}` : ''),
        actions: keyProblem
          ? [{ label: 'Set API Key', action: 'setApiKey' }, { label: 'Open Settings', action: 'openSettings' }]
          : [{ label: 'Open Settings', action: 'openSettings' }, { label: 'Show Log', action: 'showLog' }],
      });
    }
  }
  return problems;
}

/** Shortens a connection error to its gist (e.g. `ECONNREFUSED`), looking through wrapped causes. */
export function connectionGist(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const message = (err as { message?: unknown })?.message;
  return typeof message === 'string' ? message : String(err);
}

/** The fixing buttons for an error a run ended with (by MinionsError code). */
export function actionsForErrorCode(code: string): { label: string; action: FixAction }[] {
  switch (code) {
    case 'local-unreachable':
      return [{ label: 'How to Start Ollama', action: 'ollamaInstructions' }, { label: 'Open Settings', action: 'openSettings' }];
    case 'local-model-missing':
      return [{ label: 'Pull Model', action: 'pullModel' }, { label: 'Select Local Model', action: 'selectModel' }];
    case 'remote-key-missing':
    case 'remote-key-rejected':
      return [{ label: 'Set API Key', action: 'setApiKey' }];
    case 'remote-model-missing':
    case 'remote-unreachable':
    case 'context-too-long':
      return [{ label: 'Open Settings', action: 'openSettings' }, { label: 'Show Log', action: 'showLog' }];
    default:
      return [{ label: 'Show Log', action: 'showLog' }];
  }
}
