// `minions ask`: answers a question about a workspace with MinionS (or Minion, remote-only,
// local-only), printing progress and the answer for a person, or with --json exactly one
// object (the contract of issue 4, built by the shared run model's runReport). Flags and the
// environment become the same RunSettings the extension uses, from the same defaults, and
// the same factory runs them. The remote key comes only from the environment
// (MINIONS_REMOTE_API_KEY or OPENAI_API_KEY) and is never printed.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError } from '../../core/errors';
import type { LocalModelConfig, RemoteModelConfig } from '../../core/llm/factory';
import { mergePrices, type PriceTable } from '../../core/ledger/pricing';
import type { LedgerSnapshot } from '../../core/ledger/types';
import type { EventError, ProtocolName, RunEvent } from '../../core/protocol/events';
import type { RunRequest } from '../../core/protocol/index';
import { isProtocolName, PROTOCOLS } from '../../core/protocol/protocols';
import { localModelConfig, remoteModelConfig, requestFromSettings, runFromSettings } from '../../core/run-from-settings';
import { DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL, DEFAULT_SETTINGS, type AnyLocalProvider, type PriceOverride, type RunSettings } from '../../core/settings';
import { formatUsd, savingFigures, savingPhrase } from '../../shared/run/format';
import { reportOf, type RunQuality } from '../../shared/run/summary';
import { applyEvent, createRunView, JobIndex, type RunView } from '../../shared/run/view';
import { INDEX_OPTIONS, defaultCacheDir, openFromFlags, parseCommandArgs, type IndexFlags } from './index';
import { JobCache } from '../../core/protocol/job-cache';
import { conversationOf, newThread, turnFromEvents, type Thread } from '../../core/protocol/thread';
import { ThreadStore, isThreadId } from '../../core/protocol/thread-store';
import { cacheKey } from '../../core/index/store';

const D = DEFAULT_SETTINGS;
const LOCAL_PROVIDERS: readonly AnyLocalProvider[] = ['ollama', 'openai-compatible', 'embedded'];

const ASK_HELP = `usage: minions ask [--workspace DIR] [--scope PATH]... [--protocol ${PROTOCOLS.join('|')}]
                   [--local-url URL] [--local-model NAME] [--remote-url URL] [--remote-model NAME]
                   [--max-rounds N] [--parallel N] [--privacy standard|strict] [--json]
                   [--continue | --thread ID] [--no-job-cache] QUESTION

Answers QUESTION about the code in DIR (default: the current folder).

  -w, --workspace DIR        folder to ask about
  -s, --scope PATH           limit every round to this file or folder (repeatable)
  -p, --protocol NAME        minions (default), minion, remote (remote-only), local (local-only)
      --local-provider NAME  ollama (default), openai-compatible, embedded
      --local-url URL        default $OLLAMA_HOST or ${DEFAULT_OLLAMA_URL}
      --local-model NAME     default $MINIONS_LOCAL_MODEL or ${D.local.model}
      --model-path FILE      the .gguf file for --local-provider embedded
      --remote-url URL       default $MINIONS_REMOTE_URL or ${DEFAULT_REMOTE_URL}
      --remote-model NAME    default $MINIONS_REMOTE_MODEL or ${D.remote.model}
      --max-rounds N         rounds (MinionS) or questions (Minion), default ${D.maxRounds}
      --parallel N           local jobs at once, default ${D.local.parallelJobs}
      --max-jobs N           local jobs per round at most, default ${D.jobs.maxPerRound}
      --privacy MODE         strict: no line of source code is sent to the remote
      --json                 print one JSON object: answer, protocol, rounds, citations, jobs, usage, thread, turn
      --continue             a follow-up: continue the workspace's latest thread (the remote sees the earlier turns)
      --thread ID            a follow-up in the thread ID (from an earlier --json's "thread")
      --no-job-cache         read every chunk again instead of reusing cached job results
  plus the index options of 'minions index --help' (--cache, --no-cache, --include, --exclude)

Job results and threads are kept in the cache folder (--cache DIR, default $XDG_CACHE_HOME/minions);
--no-cache keeps nothing on disk (no index cache, no job cache, no thread to continue).

The remote key is read from MINIONS_REMOTE_API_KEY or OPENAI_API_KEY. Remote prices can be
overridden with MINIONS_PRICING_JSON='{"model":{"input":1,"cachedInput":0.5,"output":4}}' (USD per 1M tokens).`;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new MinionsError('bad-input', `${flag} must be a positive whole number, not '${value}'`, `Pass e.g. ${flag} 3`);
  return n;
}

/** OLLAMA_HOST may be `host:port` without a scheme, as the ollama CLI accepts it. */
export function ollamaUrlFromEnv(env: NodeJS.ProcessEnv): string {
  const host = env.OLLAMA_HOST?.trim();
  if (!host) return DEFAULT_OLLAMA_URL;
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

/** --scope paths as workspace-relative paths: relative to the current folder like any shell path, else to the workspace. */
export function scopeOf(paths: readonly string[], workspace: string, what = '--scope'): string[] {
  return paths.map((p) => {
    const candidates = isAbsolute(p) ? [p] : [resolve(p), resolve(workspace, p)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new MinionsError('bad-input', `${what} ${p} does not exist`, 'Pass a file or folder inside the workspace');
    const rel = relative(workspace, found).split('\\').join('/');
    if (rel.startsWith('..') || isAbsolute(rel)) throw new MinionsError('bad-input', `${what} ${p} is outside the workspace ${workspace}`, 'Pass a file or folder inside the workspace');
    return rel;
  });
}

/** The options `minions ask` takes; `minions mcp` takes the same (the question comes from each call). */
export const ASK_OPTIONS = {
  ...INDEX_OPTIONS,
  scope: { type: 'string', short: 's', multiple: true },
  protocol: { type: 'string', short: 'p' },
  'local-provider': { type: 'string' },
  'local-url': { type: 'string' },
  'local-model': { type: 'string' },
  'model-path': { type: 'string' },
  'remote-url': { type: 'string' },
  'remote-model': { type: 'string' },
  'max-rounds': { type: 'string' },
  'max-jobs': { type: 'string' },
  parallel: { type: 'string' },
  privacy: { type: 'string' },
  'max-usd': { type: 'string' },
} as const;

export type AskFlags = Partial<Record<Exclude<keyof typeof ASK_OPTIONS, 'scope' | 'include' | 'exclude' | 'json' | 'no-cache' | 'help'>, string>> & IndexFlags & { scope?: string[] };

/**
 * What the flags and the environment make of a run, before any model or index is opened: the
 * same RunSettings the extension runs with (from the same defaults), and what the factory
 * (core/run-from-settings.ts) derives from them.
 */
export interface AskSetup {
  settings: RunSettings;
  protocol: ProtocolName;
  privacy: 'standard' | 'strict';
  /**
   * The spend cap in USD from --max-usd, carried to whoever builds the run. The engine's cap
   * (minions.budget.maxUsdPerRun) is where it is enforced; until that lands it is only reported.
   */
  spendCapUsd?: number;
  pricing: PriceTable;
  remote: RemoteModelConfig;
  local: LocalModelConfig;
}

export function askSetupFromFlags(values: AskFlags, env: NodeJS.ProcessEnv = process.env): AskSetup {
  const protocol = values.protocol ?? D.protocol;
  if (!isProtocolName(protocol)) throw new MinionsError('bad-input', `Unknown protocol '${values.protocol}'`, 'Use --protocol minions, minion, remote or local');
  const privacy = values.privacy ?? D.privacy;
  if (privacy !== 'standard' && privacy !== 'strict') throw new MinionsError('bad-input', `Unknown privacy mode '${privacy}'`, 'Use --privacy standard or --privacy strict');
  const provider = (values['local-provider'] ?? D.local.provider) as AnyLocalProvider;
  if (!LOCAL_PROVIDERS.includes(provider)) throw new MinionsError('bad-input', `Unknown local provider '${provider}'`, 'Use --local-provider ollama, openai-compatible or embedded');
  const maxRounds = positiveInt(values['max-rounds'], '--max-rounds');
  const parallel = positiveInt(values.parallel, '--parallel');
  const maxJobs = positiveInt(values['max-jobs'], '--max-jobs');
  const spendCapUsd = usdAmount(values['max-usd'], '--max-usd');
  const prices = env.MINIONS_PRICING_JSON ? parsePricing(env.MINIONS_PRICING_JSON) : undefined;
  const pricing = mergePrices(prices);
  if (pricing.invalid.length) throw new MinionsError('bad-input', `MINIONS_PRICING_JSON has invalid entries: ${pricing.invalid.join(', ')}`, 'Each entry needs numeric input and output prices (USD per 1M tokens), e.g. {"gpt-4o":{"input":2.5,"output":10}}');
  const settings: RunSettings = {
    ...D,
    local: {
      ...D.local,
      provider,
      // An OpenAI-compatible server has no default address: the factory says so when it is missing.
      url: values['local-url'] ?? (provider === 'ollama' ? ollamaUrlFromEnv(env) : (env.MINIONS_LOCAL_URL ?? '')),
      model: values['local-model'] ?? env.MINIONS_LOCAL_MODEL ?? D.local.model,
      parallelJobs: parallel ?? D.local.parallelJobs,
      ...(values['model-path'] ? { modelPath: values['model-path'] } : {}),
    },
    remote: {
      ...D.remote,
      baseUrl: values['remote-url'] ?? env.MINIONS_REMOTE_URL ?? D.remote.baseUrl,
      model: values['remote-model'] ?? env.MINIONS_REMOTE_MODEL ?? D.remote.model,
    },
    protocol,
    maxRounds: maxRounds ?? D.maxRounds,
    jobs: { ...D.jobs, maxPerRound: maxJobs ?? D.jobs.maxPerRound },
    privacy,
    prices: (prices ?? {}) as Record<string, PriceOverride>,
  };
  const apiKey = env.MINIONS_REMOTE_API_KEY || env.OPENAI_API_KEY || '';
  return {
    settings, protocol, privacy, pricing: pricing.table,
    ...(spendCapUsd !== undefined ? { spendCapUsd } : {}),
    remote: remoteModelConfig(settings.remote, apiKey),
    local: localModelConfig(settings.local),
  };
}

/** The engine's request for one question under `setup` (protocol and scope may differ per question). */
export function runRequestFor(setup: AskSetup, question: string, protocol: ProtocolName, scope: string[]): RunRequest {
  // setup.spendCapUsd belongs here as the engine's spend cap once RunRequest has one.
  return requestFromSettings({ ...setup.settings, protocol }, question, scope);
}

function usdAmount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new MinionsError('bad-input', `${flag} must be a positive amount in USD, not '${value}'`, `Pass e.g. ${flag} 0.05`);
  return n;
}

/** Options of `minions ask` alone: conversations and the job cache. */
const THREAD_OPTIONS = {
  continue: { type: 'boolean', default: false },
  thread: { type: 'string' },
  'no-job-cache': { type: 'boolean', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    () => parseArgs({ args: argv, options: { ...ASK_OPTIONS, ...THREAD_OPTIONS }, allowPositionals: true }),
    'ask',
  );
  if (values.help) {
    process.stdout.write(ASK_HELP + '\n');
    return 0;
  }
  const question = positionals.join(' ').trim();
  if (!question) throw new MinionsError('bad-input', 'No question given', "Pass the question as an argument, e.g. minions ask 'where is the retry policy decided?'");
  const setup = askSetupFromFlags(values);

  if (values.continue && values.thread) throw new MinionsError('bad-input', '--continue and --thread both name a thread', 'Pass --continue for the latest thread, or --thread ID for a given one');
  const { index, workspace } = await openFromFlags(values);
  const cacheDir = values['no-cache'] ? undefined : resolve(values.cache ?? defaultCacheDir());
  const threads = cacheDir ? threadStoreFor(cacheDir, workspace) : undefined;
  let thread: Thread;
  try {
    thread = await threadToContinue(threads, values.continue, values.thread);
  } catch (err) {
    await index.dispose();
    throw err;
  }
  const conversation = thread.turns.length ? conversationOf(thread) : undefined;
  const settings = { ...setup.settings, cache: { jobs: !values['no-job-cache'] } };
  const events: RunEvent[] = [];
  let progress: Progress | undefined;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  // The run is folded once, by the shared run model: the progress lines and the summary read it.
  const view = createRunView('');
  const jobIndex = new JobIndex(view);
  let fatal: EventError | undefined;
  try {
    const stream = runFromSettings({
      question, scope: scopeOf(values.scope ?? [], workspace), settings, apiKey: setup.remote.apiKey, index, signal: controller.signal,
      ...(cacheDir ? { cacheDir } : {}), ...(conversation ? { conversation } : {}),
    });
    progress = values.json ? undefined : new Progress();
    for await (const e of stream) {
      events.push(e);
      applyEvent(view, e, jobIndex);
      if (e.type === 'error' && e.fatal) fatal ??= e.error;
      progress?.show(e, view);
    }
    if (events.at(-1)?.type === 'run-finished') {
      thread.turns.push(turnFromEvents(thread.turns.length + 1, events, index));
      thread.updatedAt = Date.now();
      await threads?.save(thread);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await index.dispose();
  }
  if (view.outcome === 'cancelled') throw new MinionsError('cancelled', 'The run was cancelled', 'Nothing more was sent; run the command again to start over');
  if (view.outcome !== 'ok') throw new MinionsError((fatal?.code as MinionsError['code']) ?? 'internal', fatal?.message ?? 'The run failed', fatal?.hint);
  const summary = { ...reportOf(view), thread: thread.id, turn: thread.turns.length };
  if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    // The answer already streamed as it was written, unless the final text differs from it.
    const streamed = progress?.streamed?.trim() === summary.answer;
    process.stdout.write(`${streamed ? '\n' : `\nanswer:\n${summary.answer}\n`}\nledger:\n${ledgerLine(summary.usage)}\n${summary.citationChecks ? `${qualityLine(summary.quality)}\n` : ''}thread:   ${thread.id}, turn ${thread.turns.length} (continue it with --continue or --thread ${thread.id})\n`);
  }
  return 0;
}

function parsePricing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MinionsError('bad-input', `MINIONS_PRICING_JSON is not valid JSON (${(err as Error).message})`, 'Set it to an object of model name to {input, cachedInput, output} prices');
  }
}

/** The evidence checks in one line: what reached the remote, what was kept out, which answer citations no finding supports. */
export function qualityLine(q: RunQuality): string {
  return `quality: ${q.verified} verified finding${q.verified === 1 ? '' : 's'}, ${q.unverified} unverified (not sent to the remote), ${q.unsupportedCitations} of ${q.citations} answer citation${q.citations === 1 ? '' : 's'} unsupported`;
}

export function ledgerLine(l: LedgerSnapshot): string {
  const f = savingFigures(l);
  const saving = l.savings.costUsd === null
    ? 'saving unknown (no price for the remote model)'
    : `${savingPhrase(l.savings.costUsd, 'ok')}${l.savings.costUsd >= 0 && f.costRatio !== 'unknown' ? ` (${f.costRatio})` : ''}`;
  return [
    `remote:   ${l.remote.requests} requests, ${l.remote.promptTokens} prompt (${l.remote.cachedPromptTokens} cached) + ${l.remote.completionTokens} completion tokens, ${formatUsd(l.remote.costUsd)}`,
    `local:    ${l.local.requests} requests, ${l.local.promptTokens} prompt + ${l.local.completionTokens} completion tokens, free`,
    `baseline: remote-only over the same chunks: ${l.baseline.remotePromptTokens} prompt + ${l.baseline.remoteCompletionTokens} completion tokens, ${formatUsd(l.baseline.costUsd)}`,
    `saving:   ${saving}${f.tokenRatio !== 'unknown' ? `; ${f.tokenRatio}` : ''}`,
  ].join('\n');
}

/** Progress for a person, on stdout before the answer (stderr carries only the one-line error, if any). */
class Progress {
  /** The answer text streamed so far (printed as it came). */
  streamed: string | undefined;
  /** Prints what the event adds; `view` already includes it. */
  show(e: RunEvent, view: RunView): void {
    const out = (s: string) => process.stdout.write(s + '\n');
    switch (e.type) {
      case 'run-started':
        out(`${e.protocol} with ${e.localModel} (local) and ${e.remoteModel} (remote)`);
        break;
      case 'round-started':
        out(`round ${e.round}/${e.maxRounds}`);
        break;
      case 'plan':
        out(`  plan: ${e.tasks.length} task(s)`);
        for (const t of e.tasks) out(`    - ${t.instruction}${t.keywords.length ? ` [${t.keywords.join(', ')}]` : ''}`);
        break;
      case 'job-finished': {
        const c = view.counts;
        const finished = c.answered + c.abstained + c.failed;
        const job = view.jobs.find((j) => j.id === e.jobId);
        const where = e.citation ?? job;
        const at = where ? `${where.path}:${where.startLine}-${where.endLine}` : e.jobId;
        const unverified = e.status === 'answered' && e.verified === false;
        const detail = unverified ? `${e.finding ?? ''} (not sent: ${e.reason ?? 'unverified'})` : e.status === 'answered' ? (e.finding ?? '') : e.status === 'failed' ? (e.error?.message ?? '') : '';
        const label = `${unverified ? 'unverified' : e.status}${e.cached ? '*' : ''}`;
        out(`  [${finished}/${view.jobs.length}] ${label.padEnd(11)} ${at}${detail ? `  ${detail.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`);
        break;
      }
      case 'synthesis':
        if (e.decision === 'continue' && e.missing) out(`  still missing: ${e.missing}`);
        break;
      case 'answer-delta':
        if (e.reset && this.streamed !== undefined) {
          if (this.streamed) process.stdout.write('\n  (the answer starts over)\n');
          this.streamed = '';
        }
        if (!e.text) break;
        if (this.streamed === undefined) {
          process.stdout.write('\nanswer:\n');
          this.streamed = '';
        }
        this.streamed += e.text;
        process.stdout.write(e.text);
        break;
      case 'conversation':
        out(`follow-up: turn ${e.turn} of thread ${e.thread}, with ${e.earlierTurns} earlier turn(s) and ${e.findings} finding(s) still valid`);
        if (e.stale.length) out(`  dropped ${e.stale.length} stale finding(s) (their code changed): ${e.stale.slice(0, 8).map((c) => `${c.path}:${c.startLine}-${c.endLine}`).join(', ')}${e.stale.length > 8 ? ', ...' : ''}`);
        break;
      case 'error':
        if (!e.fatal) out(`  note: ${e.error.message}`);
        break;
      default:
        break;
    }
  }
}

/** A workspace's threads, in the cache folder under a key of the workspace's path. */
function threadStoreFor(cacheDir: string, workspace: string): ThreadStore {
  return new ThreadStore(join(cacheDir, 'threads', cacheKey(['threads', workspace])));
}

/** The thread a run continues (--continue: the latest; --thread ID: that one), or a new one. */
async function threadToContinue(store: ThreadStore | undefined, latest: boolean, id: string | undefined): Promise<Thread> {
  if (!latest && id === undefined) return newThread();
  if (!store) throw new MinionsError('bad-input', 'Threads are kept in the cache folder, which --no-cache turns off', 'Drop --no-cache to continue a thread');
  if (id !== undefined) {
    if (!isThreadId(id)) throw new MinionsError('bad-input', `'${id}' is not a thread id`, 'Pass the "thread" value of an earlier --json answer, e.g. --thread thread-m1abcd-x2y3z4');
    const found = await store.get(id);
    if (!found) throw new MinionsError('bad-input', `No thread ${id} in this workspace`, 'Run without --thread to start a new one, or --continue for the latest');
    return found;
  }
  return (await store.latest()) ?? newThread();
}
