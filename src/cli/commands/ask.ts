// `minions ask`: answers a question about a workspace with MinionS (or Minion, remote-only,
// local-only), printing progress and the answer for a person, or with --json exactly one
// object (the contract of issue 4, built by summarizeRun). The remote key comes only from the
// environment (MINIONS_REMOTE_API_KEY or OPENAI_API_KEY) and is never printed.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError } from '../../core/errors';
import { createLocalModel, createRemoteModelFor, DEFAULT_OLLAMA_URL, DEFAULT_REMOTE_URL, type LocalModelConfig, type RemoteModelConfig } from '../../core/llm/factory';
import { mergePrices, type PriceTable } from '../../core/ledger/pricing';
import { runProtocol, summarizeRun, type RunEvent, type ProtocolName, type RunRequest } from '../../core/protocol/index';
import type { LedgerSnapshot } from '../../core/ledger/types';
import type { JobInfo } from '../../core/protocol/events';
import { INDEX_OPTIONS, openFromFlags, parseCommandArgs, type IndexFlags } from './index';

const ASK_HELP = `usage: minions ask [--workspace DIR] [--scope PATH]... [--protocol minions|minion|remote|local]
                   [--local-url URL] [--local-model NAME] [--remote-url URL] [--remote-model NAME]
                   [--max-rounds N] [--parallel N] [--privacy standard|strict] [--json] QUESTION

Answers QUESTION about the code in DIR (default: the current folder).

  -w, --workspace DIR        folder to ask about
  -s, --scope PATH           limit every round to this file or folder (repeatable)
  -p, --protocol NAME        minions (default), minion, remote (remote-only), local (local-only)
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
      --json                 print one JSON object: answer, protocol, rounds, citations, jobs, usage
  plus the index options of 'minions index --help' (--cache, --no-cache, --include, --exclude)

The remote key is read from MINIONS_REMOTE_API_KEY or OPENAI_API_KEY. Remote prices can be
overridden with MINIONS_PRICING_JSON='{"model":{"input":1,"cachedInput":0.5,"output":4}}' (USD per 1M tokens).`;

const PROTOCOLS: readonly ProtocolName[] = ['minions', 'minion', 'remote', 'local'];

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

/** What the flags and the environment make of a run, before any model or index is opened. */
export interface AskSetup {
  protocol: ProtocolName;
  privacy: 'standard' | 'strict';
  maxRounds?: number;
  parallel?: number;
  maxJobs?: number;
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
  const protocol = (values.protocol ?? 'minions') as ProtocolName;
  if (!PROTOCOLS.includes(protocol)) throw new MinionsError('bad-input', `Unknown protocol '${values.protocol}'`, 'Use --protocol minions, minion, remote or local');
  const privacy = values.privacy ?? 'standard';
  if (privacy !== 'standard' && privacy !== 'strict') throw new MinionsError('bad-input', `Unknown privacy mode '${privacy}'`, 'Use --privacy standard or --privacy strict');
  const provider = (values['local-provider'] ?? 'ollama') as LocalModelConfig['provider'];
  if (!['ollama', 'openai-compatible', 'embedded'].includes(provider)) throw new MinionsError('bad-input', `Unknown local provider '${provider}'`, 'Use --local-provider ollama, openai-compatible or embedded');
  const maxRounds = positiveInt(values['max-rounds'], '--max-rounds');
  const parallel = positiveInt(values.parallel, '--parallel');
  const maxJobs = positiveInt(values['max-jobs'], '--max-jobs');
  const spendCapUsd = usdAmount(values['max-usd'], '--max-usd');
  const pricing = mergePrices(env.MINIONS_PRICING_JSON ? parsePricing(env.MINIONS_PRICING_JSON) : undefined);
  if (pricing.invalid.length) throw new MinionsError('bad-input', `MINIONS_PRICING_JSON has invalid entries: ${pricing.invalid.join(', ')}`, 'Each entry needs numeric input and output prices (USD per 1M tokens), e.g. {"gpt-4o":{"input":2.5,"output":10}}');
  return {
    protocol, privacy, pricing: pricing.table,
    ...(maxRounds ? { maxRounds } : {}), ...(parallel ? { parallel } : {}), ...(maxJobs ? { maxJobs } : {}),
    ...(spendCapUsd !== undefined ? { spendCapUsd } : {}),
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
export function runRequestFor(setup: AskSetup, question: string, protocol: ProtocolName, scope: string[]): RunRequest {
  // setup.spendCapUsd belongs here as the engine's spend cap once RunRequest has one.
  return {
    question, protocol, scope, privacy: setup.privacy,
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
  const question = positionals.join(' ').trim();
  if (!question) throw new MinionsError('bad-input', 'No question given', "Pass the question as an argument, e.g. minions ask 'where is the retry policy decided?'");
  const setup = askSetupFromFlags(values);
  const { protocol } = setup;
  const remote = createRemoteModelFor(protocol, setup.remote);
  const local = await createLocalModel(setup.local);

  const { index, workspace } = await openFromFlags(values);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const events: RunEvent[] = [];
  try {
    const stream = runProtocol(
      runRequestFor(setup, question, protocol, scopeOf(values.scope ?? [], workspace)),
      { index, local, remote, pricing: setup.pricing },
      controller.signal,
    );
    const progress = values.json ? undefined : new Progress();
    for await (const e of stream) {
      events.push(e);
      progress?.show(e);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await index.dispose();
  }
  const last = events.at(-1);
  if (last?.type === 'cancelled') throw new MinionsError('cancelled', 'The run was cancelled', 'Nothing more was sent; run the command again to start over');
  if (last?.type !== 'run-finished' || !last.ok) {
    const fatal = events.find((e): e is Extract<RunEvent, { type: 'error' }> => e.type === 'error' && e.fatal);
    const err = fatal?.error;
    throw new MinionsError((err?.code as MinionsError['code']) ?? 'internal', err?.message ?? 'The run failed', err?.hint);
  }
  const summary = summarizeRun(events);
  if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(`\nanswer:\n${summary.answer}\n\nledger:\n${ledgerLine(summary.usage)}\n`);
  return 0;
}

function parsePricing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MinionsError('bad-input', `MINIONS_PRICING_JSON is not valid JSON (${(err as Error).message})`, 'Set it to an object of model name to {input, cachedInput, output} prices');
  }
}

// Tiny amounts keep two significant digits rather than rounding to $0.0000.
const usd = (x: number | null) => (x === null ? 'unknown' : x === 0 || Math.abs(x) >= 0.001 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

export function ledgerLine(l: LedgerSnapshot): string {
  const remoteTokens = l.remote.promptTokens + l.remote.completionTokens;
  const baselineTokens = l.baseline.remotePromptTokens + l.baseline.remoteCompletionTokens;
  const tokenRatio = remoteTokens > 0 && baselineTokens > 0 ? baselineTokens / remoteTokens : null;
  const saving = l.savings.costUsd === null
    ? 'saving unknown (no price for the remote model)'
    : l.savings.costUsd >= 0
      ? `saved ${usd(l.savings.costUsd)}${l.savings.ratio !== null ? ` (${l.savings.ratio.toFixed(1)}x cheaper)` : ''}`
      : `cost ${usd(-l.savings.costUsd)} more than remote-only`;
  return [
    `remote:   ${l.remote.requests} requests, ${l.remote.promptTokens} prompt (${l.remote.cachedPromptTokens} cached) + ${l.remote.completionTokens} completion tokens, ${usd(l.remote.costUsd)}`,
    `local:    ${l.local.requests} requests, ${l.local.promptTokens} prompt + ${l.local.completionTokens} completion tokens, free`,
    `baseline: remote-only over the same chunks: ${l.baseline.remotePromptTokens} prompt + ${l.baseline.remoteCompletionTokens} completion tokens, ${usd(l.baseline.costUsd)}`,
    `saving:   ${saving}${tokenRatio !== null ? `; ${tokenRatio >= 1 ? `${tokenRatio.toFixed(1)}x fewer` : `${(1 / tokenRatio).toFixed(1)}x more`} remote tokens` : ''}`,
  ].join('\n');
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
