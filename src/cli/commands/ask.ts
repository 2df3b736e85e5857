// `minions ask`: answers a question about a workspace with MinionS (or Minion, remote-only,
// local-only), printing progress and the answer for a person, or with --json exactly one
// object (the contract of issue 4, built by summarizeRun). The remote key comes only from the
// environment (MINIONS_REMOTE_API_KEY or OPENAI_API_KEY) and is never printed.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError } from '../../core/errors';
import { createLocalModel, createRemoteModelFor, DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL, type LocalModelConfig, type RemoteModelConfig } from '../../core/llm/factory';
import { mergePrices, type PriceTable } from '../../core/ledger/pricing';
import { runProtocol, retryAnswer, summarizeRun, type RunEvent, type ProtocolName, type RunRequestAny, type JobSummary } from '../../core/protocol/index';
import { EXIT_CODES, jsonOutput, textOutput } from './ask-output';
import type { JobInfo } from '../../core/protocol/events';
import { INDEX_OPTIONS, openFromFlags, parseCommandArgs, type IndexFlags } from './index';

export { ledgerLine } from './ask-output';

const ASK_HELP = `usage: minions ask [--workspace DIR] [--scope PATH]... [--protocol auto|minions|minion|remote|local]
                   [--local-url URL] [--local-model NAME] [--remote-url URL] [--remote-model NAME]
                   [--max-rounds N] [--parallel N] [--privacy standard|strict] [--max-usd X] [--max-remote-tokens N]
                   [--json [--show-remote]] [--retry-answer FILE] QUESTION

Answers QUESTION about the code in DIR (default: the current folder).

  -w, --workspace DIR        folder to ask about
  -s, --scope PATH           limit every round to this file or folder (repeatable)
  -p, --protocol NAME        auto (default: the cheaper of minions and remote for this scope), minions,
                             minion, remote (remote-only), local (local-only)
      --local-provider NAME  ollama (default), openai-compatible, embedded
      --local-url URL        default $OLLAMA_HOST or ${DEFAULT_OLLAMA_URL}
      --local-model NAME     default $MINIONS_LOCAL_MODEL or qwen2.5-coder:3b
      --model-path FILE      the .gguf file for --local-provider embedded
      --remote-url URL       default $MINIONS_REMOTE_URL or ${DEFAULT_REMOTE_URL}
      --remote-model NAME    default $MINIONS_REMOTE_MODEL or gpt-4o-mini
      --max-rounds N         rounds (MinionS) or questions (Minion), default 3
      --parallel N           local jobs at once, default 4
      --max-jobs N           local jobs per round at most, default 96
      --privacy MODE         strict: no line of source code is sent to the remote
      --max-usd X            hard cap on the run's remote spend in USD: no request that could pass it is sent
      --max-remote-tokens N  hard cap on the run's remote tokens (prompt + completion)
      --json                 print one JSON object: answer, protocol, rounds, citations, jobs, usage, status, ...
      --show-remote          with --json: add remoteRequests, every request sent to the remote (no key) and its reply
      --retry-answer FILE    synthesize again from the findings saved in FILE (a --json output); no local job runs

Exit codes: 0 answered, 3 partial (findings, usage and the error kept), 1 failed, 130 cancelled.
  plus the index options of 'minions index --help' (--cache, --no-cache, --include, --exclude)

The remote key is read from MINIONS_REMOTE_API_KEY or OPENAI_API_KEY. Remote prices can be
overridden with MINIONS_PRICING_JSON='{"model":{"input":1,"cachedInput":0.5,"output":4}}' (USD per 1M tokens).`;

const PROTOCOLS: readonly (ProtocolName | 'auto')[] = ['auto', 'minions', 'minion', 'remote', 'local'];

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

/** What the flags and the environment make of a run, before any model or index is opened. */
export interface AskSetup {
  /** `auto`: the engine picks the cheaper of MinionS and remote-only per question and scope. */
  protocol: ProtocolName | 'auto';
  privacy: 'standard' | 'strict';
  maxRounds?: number;
  parallel?: number;
  maxJobs?: number;
  /** The engine's hard spend cap in USD (--max-usd): no remote request that could pass it is sent. */
  spendCapUsd?: number;
  /** The same cap in remote tokens (--max-remote-tokens). */
  maxRemoteTokens?: number;
  pricing: PriceTable;
  remote: RemoteModelConfig;
  local: LocalModelConfig;
}

export function askSetupFromFlags(values: AskFlags, env: NodeJS.ProcessEnv = process.env): AskSetup {
  const protocol = (values.protocol ?? 'auto') as ProtocolName | 'auto';
  if (!PROTOCOLS.includes(protocol)) throw new MinionsError('bad-input', `Unknown protocol '${values.protocol}'`, 'Use --protocol auto, minions, minion, remote or local');
  const privacy = values.privacy ?? 'standard';
  if (privacy !== 'standard' && privacy !== 'strict') throw new MinionsError('bad-input', `Unknown privacy mode '${privacy}'`, 'Use --privacy standard or --privacy strict');
  const provider = (values['local-provider'] ?? 'ollama') as LocalModelConfig['provider'];
  if (!['ollama', 'openai-compatible', 'embedded'].includes(provider)) throw new MinionsError('bad-input', `Unknown local provider '${provider}'`, 'Use --local-provider ollama, openai-compatible or embedded');
  const maxRounds = positiveInt(values['max-rounds'], '--max-rounds');
  const parallel = positiveInt(values.parallel, '--parallel');
  const maxJobs = positiveInt(values['max-jobs'], '--max-jobs');
  const spendCapUsd = usdAmount(values['max-usd'], '--max-usd');
  const maxRemoteTokens = positiveInt(values['max-remote-tokens'], '--max-remote-tokens');
  const pricing = mergePrices(env.MINIONS_PRICING_JSON ? parsePricing(env.MINIONS_PRICING_JSON) : undefined);
  if (pricing.invalid.length) throw new MinionsError('bad-input', `MINIONS_PRICING_JSON has invalid entries: ${pricing.invalid.join(', ')}`, 'Each entry needs numeric input and output prices (USD per 1M tokens), e.g. {"gpt-4o":{"input":2.5,"output":10}}');
  return {
    protocol, privacy, pricing: pricing.table,
    ...(maxRounds ? { maxRounds } : {}), ...(parallel ? { parallel } : {}), ...(maxJobs ? { maxJobs } : {}),
    ...(spendCapUsd !== undefined ? { spendCapUsd } : {}), ...(maxRemoteTokens !== undefined ? { maxRemoteTokens } : {}),
    remote: {
      url: values['remote-url'] ?? env.MINIONS_REMOTE_URL ?? DEFAULT_REMOTE_URL,
      model: values['remote-model'] ?? env.MINIONS_REMOTE_MODEL ?? 'gpt-4o-mini',
      apiKey: env.MINIONS_REMOTE_API_KEY || env.OPENAI_API_KEY || '',
    },
    local: {
      provider,
      url: values['local-url'] ?? (provider === 'ollama' ? ollamaUrlFromEnv(env) : env.MINIONS_LOCAL_URL),
      model: values['local-model'] ?? env.MINIONS_LOCAL_MODEL ?? 'qwen2.5-coder:3b',
      ...(values['model-path'] ? { modelPath: values['model-path'] } : {}),
      ...(parallel ? { parallel } : {}),
    },
  };
}

/** The engine's request for one question under `setup` (protocol and scope may differ per question). */
export function runRequestFor(setup: AskSetup, question: string, protocol: ProtocolName | 'auto', scope: string[]): RunRequestAny {
  return {
    question, protocol, scope, privacy: setup.privacy,
    budget: { ...(setup.spendCapUsd !== undefined ? { maxUsd: setup.spendCapUsd } : {}), ...(setup.maxRemoteTokens !== undefined ? { maxRemoteTokens: setup.maxRemoteTokens } : {}) },
    ...(setup.maxRounds ? { maxRounds: setup.maxRounds } : {}), ...(setup.parallel ? { parallel: setup.parallel } : {}),
    ...(setup.maxJobs ? { budgets: { maxJobsPerRound: setup.maxJobs } } : {}),
  };
}

function usdAmount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new MinionsError('bad-input', `${flag} must be a positive amount in USD, not '${value}'`, `Pass e.g. ${flag} 0.05`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    () => parseArgs({ args: argv, options: ASK_OPTIONS, allowPositionals: true }),
    'ask',
  );
  if (values.help) {
    process.stdout.write(ASK_HELP + '\n');
    return 0;
  }
  const retry = values['retry-answer'] ? readSavedRun(values['retry-answer']) : undefined;
  const question = positionals.join(' ').trim() || retry?.question || '';
  if (!question) throw new MinionsError('bad-input', 'No question given', "Pass the question as an argument, e.g. minions ask 'where is the retry policy decided?'");
  const setup = askSetupFromFlags(values.protocol === undefined && retry?.protocol ? { ...values, protocol: retry.protocol } : values);
  const { protocol } = setup;
  const remote = createRemoteModelFor(protocol === 'auto' ? 'minions' : protocol, setup.remote);
  const local = await createLocalModel(setup.local);

  const { index, workspace } = await openFromFlags(values);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const events: RunEvent[] = [];
  try {
    const request = runRequestFor(setup, question, protocol, scopeOf(values.scope ?? [], workspace));
    const deps = { index, local, remote, pricing: setup.pricing };
    const stream = retry
      ? retryAnswer({ ...request, protocol: protocol === 'auto' ? 'minions' : protocol, jobs: retry.jobs }, deps, controller.signal)
      : runProtocol(request, deps, controller.signal);
    const progress = values.json ? undefined : new Progress();
    for await (const e of stream) {
      events.push(e);
      progress?.show(e);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await index.dispose();
  }
  const summary = summarizeRun(events);
  if (values.json) process.stdout.write(jsonOutput(summary, values['show-remote'] === true) + '\n');
  else process.stdout.write(textOutput(summary));
  // A run that did not answer also says why on stderr, in the one-line form every error has.
  if (summary.status !== 'answered') {
    const err = summary.status === 'cancelled' ? new MinionsError('cancelled', 'The run was cancelled', 'Nothing more was sent; run the command again to start over')
      : new MinionsError((summary.error?.code as MinionsError['code']) ?? 'internal', summary.error?.message ?? 'The run failed', summary.error?.hint);
    process.stderr.write(`minions: ${summary.status === 'partial' ? 'partial: ' : ''}${err.toUserString()}\n`);
  }
  return EXIT_CODES[summary.status];
}

/** A saved `--json` output, for --retry-answer: its question, protocol and jobs (findings with their citations). */
function readSavedRun(file: string): { question?: string; protocol?: ProtocolName; jobs: JobSummary[] } {
  let saved: { question?: unknown; protocol?: unknown; jobs?: unknown };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
  } catch (err) {
    throw new MinionsError('bad-input', `--retry-answer ${file} is not a readable JSON file (${(err as Error).message})`, "Pass the file a 'minions ask --json' run wrote");
  }
  if (!Array.isArray(saved.jobs)) throw new MinionsError('bad-input', `--retry-answer ${file} has no jobs`, "Pass the file a 'minions ask --json' run wrote");
  return {
    ...(typeof saved.question === 'string' ? { question: saved.question } : {}),
    ...(typeof saved.protocol === 'string' && saved.protocol !== 'auto' && PROTOCOLS.includes(saved.protocol as ProtocolName) ? { protocol: saved.protocol as ProtocolName } : {}),
    jobs: saved.jobs as JobSummary[],
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
  private queued = 0;
  private finished = 0;
  private readonly jobs = new Map<string, JobInfo>();
  show(e: RunEvent): void {
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
      case 'job-queued':
        this.queued++;
        this.jobs.set(e.job.id, e.job);
        break;
      case 'job-finished': {
        this.finished++;
        const job = this.jobs.get(e.jobId);
        const where = e.citation ?? job;
        const at = where ? `${where.path}:${where.startLine}-${where.endLine}` : e.jobId;
        const detail = e.status === 'answered' ? (e.finding ?? '') : e.status === 'failed' ? (e.error?.message ?? '') : '';
        out(`  [${this.finished}/${this.queued}] ${e.status.padEnd(9)} ${at}${detail ? `  ${detail.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`);
        break;
      }
      case 'synthesis':
        if (e.decision === 'continue' && e.missing) out(`  still missing: ${e.missing}`);
        break;
      case 'error':
        if (!e.fatal) out(`  note: ${e.error.message}`);
        break;
      default:
        break    }
  }
}
