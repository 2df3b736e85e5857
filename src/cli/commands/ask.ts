// `minions ask`: answers a question about a workspace with MinionS (or Minion, remote-only,
// local-only), printing progress and the answer for a person, or with --json exactly one
// object (the contract of issue 4, built by the shared run model's runReport;
// the ending and exit codes in ask-output.ts). Flags and the
// environment become the same RunSettings the extension uses, from the same defaults, and
// the same factory runs them. The remote key comes only from the environment
// (MINIONS_REMOTE_API_KEY or OPENAI_API_KEY) and is never printed.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError } from '../../core/errors';
import type { LocalModelConfig, RemoteModelConfig } from '../../core/llm/factory';
import { mergePrices, type PriceTable } from '../../core/ledger/pricing';
import type { ProtocolName, RunEvent } from '../../core/protocol/events';
import type { RunRequestAny, SavedJob } from '../../core/protocol/index';
import { isProtocolChoice, isProtocolName, PROTOCOL_CHOICES, remoteProtocolOf, type ProtocolChoice } from '../../core/protocol/protocols';
import { localModelConfig, remoteModelConfig, requestFromSettings, runFromSettings } from '../../core/run-from-settings';
import { DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL, DEFAULT_SETTINGS, type AnyLocalProvider, type PriceOverride, type RunSettings } from '../../core/settings';
import { reportOf } from '../../shared/run/summary';
import { applyEvent, createRunView, JobIndex, type RunView } from '../../shared/run/view';
import { EXIT_CODES, jsonOutput, textOutput } from './ask-output';
import { INDEX_OPTIONS, defaultCacheDir, openFromFlags, parseCommandArgs, type IndexFlags } from './index';
import { conversationOf, newThread, turnFromEvents, type Thread } from '../../core/protocol/thread';
import { ThreadStore, isThreadId } from '../../core/protocol/thread-store';
import { cacheKey } from '../../core/index/store';

export { ledgerLine, qualityLine } from './ask-output';

const D = DEFAULT_SETTINGS;
const LOCAL_PROVIDERS: readonly AnyLocalProvider[] = ['ollama', 'openai-compatible', 'embedded'];

const ASK_HELP = `usage: minions ask [--workspace DIR] [--scope PATH]... [--protocol ${PROTOCOL_CHOICES.join('|')}]
                   [--local-url URL] [--local-model NAME] [--remote-url URL] [--remote-model NAME]
                   [--max-rounds N] [--parallel N] [--privacy standard|strict] [--max-usd X] [--max-remote-tokens N]
                   [--json [--show-remote]] [--retry-answer FILE] [--continue | --thread ID] [--no-job-cache] QUESTION

Answers QUESTION about the code in DIR (default: the current folder).

  -w, --workspace DIR        folder to ask about
  -s, --scope PATH           limit every round to this file or folder (repeatable)
  -p, --protocol NAME        auto (default: the cheaper of minions and remote for this scope), minions,
                             minion, remote (remote-only), local (local-only)
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
      --max-usd X            hard cap on the run's remote spend in USD: no request that could pass it is sent
      --max-remote-tokens N  hard cap on the run's remote tokens (prompt + completion)
      --json                 print one JSON object: answer, protocol, rounds, citations, jobs, usage, status, thread, turn, ...
      --show-remote          with --json: add remoteRequests, every request sent to the remote (no key) and its reply
      --retry-answer FILE    synthesize again from the findings saved in FILE (a --json output); no local job runs
      --continue             a follow-up: continue the workspace's latest thread (the remote sees the earlier turns)
      --thread ID            a follow-up in the thread ID (from an earlier --json's "thread")
      --no-job-cache         read every chunk again instead of reusing cached job results

Exit codes: 0 answered, 3 partial (findings, usage and the error kept), 1 failed, 130 cancelled.
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
  'max-remote-tokens': { type: 'string' },
  'show-remote': { type: 'boolean' },
  'retry-answer': { type: 'string' },
} as const;

export type AskFlags = Partial<Record<Exclude<keyof typeof ASK_OPTIONS, 'scope' | 'include' | 'exclude' | 'json' | 'no-cache' | 'help' | 'show-remote'>, string>> & IndexFlags & { scope?: string[] };

/**
 * What the flags and the environment make of a run, before any model or index is opened: the
 * same RunSettings the extension runs with (from the same defaults), and what the factory
 * (core/run-from-settings.ts) derives from them.
 */
export interface AskSetup {
  settings: RunSettings;
  /** `auto`: the engine picks the cheaper of MinionS and remote-only per question and scope. */
  protocol: ProtocolChoice;
  privacy: 'standard' | 'strict';
  pricing: PriceTable;
  remote: RemoteModelConfig;
  local: LocalModelConfig;
}

export function askSetupFromFlags(values: AskFlags, env: NodeJS.ProcessEnv = process.env): AskSetup {
  const protocol = values.protocol ?? D.protocol;
  if (!isProtocolChoice(protocol)) throw new MinionsError('bad-input', `Unknown protocol '${values.protocol}'`, `Use --protocol ${PROTOCOL_CHOICES.join(', ')}`);
  const privacy = values.privacy ?? D.privacy;
  if (privacy !== 'standard' && privacy !== 'strict') throw new MinionsError('bad-input', `Unknown privacy mode '${privacy}'`, 'Use --privacy standard or --privacy strict');
  const provider = (values['local-provider'] ?? D.local.provider) as AnyLocalProvider;
  if (!LOCAL_PROVIDERS.includes(provider)) throw new MinionsError('bad-input', `Unknown local provider '${provider}'`, 'Use --local-provider ollama, openai-compatible or embedded');
  const maxRounds = positiveInt(values['max-rounds'], '--max-rounds');
  const parallel = positiveInt(values.parallel, '--parallel');
  const maxJobs = positiveInt(values['max-jobs'], '--max-jobs');
  const spendCapUsd = usdAmount(values['max-usd'], '--max-usd');
  const maxRemoteTokens = positiveInt(values['max-remote-tokens'], '--max-remote-tokens');
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
    budget: { maxUsdPerRun: spendCapUsd ?? D.budget.maxUsdPerRun, maxRemoteTokensPerRun: maxRemoteTokens ?? D.budget.maxRemoteTokensPerRun },
    maxRounds: maxRounds ?? D.maxRounds,
    jobs: { ...D.jobs, maxPerRound: maxJobs ?? D.jobs.maxPerRound },
    privacy,
    prices: (prices ?? {}) as Record<string, PriceOverride>,
  };
  const apiKey = env.MINIONS_REMOTE_API_KEY || env.OPENAI_API_KEY || '';
  return {
    settings, protocol, privacy, pricing: pricing.table,
    remote: remoteModelConfig(settings.remote, apiKey),
    local: localModelConfig(settings.local),
  };
}

/** The engine's request for one question under `setup` (protocol and scope may differ per question). */
export function runRequestFor(setup: AskSetup, question: string, protocol: ProtocolChoice, scope: string[]): RunRequestAny {
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
  const retry = values['retry-answer'] ? readSavedRun(values['retry-answer']) : undefined;
  const question = positionals.join(' ').trim() || retry?.question || '';
  if (!question) throw new MinionsError('bad-input', 'No question given', "Pass the question as an argument, e.g. minions ask 'where is the retry policy decided?'");
  const setup = askSetupFromFlags(values);
  // Retry answer runs the saved run's protocol unless --protocol names one.
  const retryWith = retry
    ? { protocol: values.protocol === undefined && retry.protocol ? retry.protocol : remoteProtocolOf(setup.protocol), jobs: retry.jobs }
    : undefined;

  if (values.continue && values.thread) throw new MinionsError('bad-input', '--continue and --thread both name a thread', 'Pass --continue for the latest thread, or --thread ID for a given one');
  const { index, workspace } = await openFromFlags(values, { oneShot: true });
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
  try {
    const stream = runFromSettings({
      question, scope: scopeOf(values.scope ?? [], workspace), settings, apiKey: setup.remote.apiKey, index, signal: controller.signal, retry: retryWith,
      ...(cacheDir ? { cacheDir } : {}), ...(conversation ? { conversation } : {}),
    });
    progress = values.json ? undefined : new Progress();
    for await (const e of stream) {
      events.push(e);
      applyEvent(view, e, jobIndex);
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
  const report = reportOf(view);
  const summary = { ...report, thread: thread.id, turn: thread.turns.length };
  if (values.json) process.stdout.write(jsonOutput(summary, values['show-remote'] === true) + '\n');
  // The answer already streamed as it was written, unless the final text differs from it.
  else process.stdout.write(textOutput(report, progress?.streamed?.trim() === report.answer, { id: thread.id, turn: thread.turns.length }));
  // A run that did not answer also says why on stderr, in the one-line form every error has.
  if (report.status !== 'answered') {
    const err = report.status === 'cancelled' ? new MinionsError('cancelled', 'The run was cancelled', 'Nothing more was sent; run the command again to start over')
      : new MinionsError((report.error?.code as MinionsError['code']) ?? 'internal', report.error?.message ?? 'The run failed', report.error?.hint);
    process.stderr.write(`minions: ${report.status === 'partial' ? 'partial: ' : ''}${err.toUserString()}\n`);
  }
  return EXIT_CODES[report.status];
}

/** A saved `--json` output, for --retry-answer: its question, protocol and jobs (findings with their citations). */
function readSavedRun(file: string): { question?: string; protocol?: ProtocolName; jobs: SavedJob[] } {
  let saved: { question?: unknown; protocol?: unknown; jobs?: unknown };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
  } catch (err) {
    throw new MinionsError('bad-input', `--retry-answer ${file} is not a readable JSON file (${(err as Error).message})`, "Pass the file a 'minions ask --json' run wrote");
  }
  if (!Array.isArray(saved.jobs)) throw new MinionsError('bad-input', `--retry-answer ${file} has no jobs`, "Pass the file a 'minions ask --json' run wrote");
  return {
    ...(typeof saved.question === 'string' ? { question: saved.question } : {}),
    ...(isProtocolName(saved.protocol) ? { protocol: saved.protocol } : {}),
    jobs: saved.jobs as SavedJob[],
  };
}

function parsePricing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MinionsError('bad-input', `MINIONS_PRICING_JSON is not valid JSON (${(err as Error).message})`, 'Set it to an object of model name to {input, cachedInput, output} prices');
  }
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
