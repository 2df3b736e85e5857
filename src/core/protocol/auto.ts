// The `auto` protocol (issue 11) and the estimate shown before a run. Before planning, both
// costs are counted for this question and scope: the exact prompt of the remote-only request,
// against what MinionS is expected to send the remote in a round (the plan prompt with its
// repository map, the synthesis instructions, and the whole digest budget), each with an
// expected answer length. The cheaper protocol runs; the reason says which figures decided it.
import type { CodeIndex } from '../index/types';
import { countMessages, tokenizerFor, type Tokenizer } from '../llm/tokens';
import { costOf, type ModelPrice } from '../ledger/pricing';
import type { CostEstimate, ProtocolName } from './events';
import type { ResolvedRequest } from './request';
import { buildRepoMap } from './repo-map';
import { planMessages, synthesisMessages } from './prompts';
import { PLAN_SCHEMA, SYNTHESIS_PLAN_SCHEMA } from './schemas';
import { remoteOnlyChunks, remoteOnlyPromptTokens } from './baseline';

/** Expected reply lengths (what plans and answers typically take; the cap uses the full limits instead). */
const PLAN_REPLY_TOKENS = 400;
const ANSWER_REPLY_TOKENS = 700;

export interface RunEstimates {
  minions: CostEstimate;
  remoteOnly: CostEstimate;
  /** How many of the scope's chunks the remote-only request would carry (it packs to its budget). */
  remoteOnlyChunks: number;
}

const schemaTokens = (s: { schema: unknown }, t: Tokenizer) => t.count(JSON.stringify(s.schema));

function estimate(promptTokens: number, completionTokens: number, price: ModelPrice | undefined, tokenizer: Tokenizer): CostEstimate {
  const cost = costOf({ promptTokens, completionTokens }, price);
  return { promptTokens, completionTokens, costUsd: cost === null ? null : Math.round(cost * 1e8) / 1e8, tokenizer: tokenizer.name };
}

export function estimateRun(req: ResolvedRequest, index: CodeIndex, remoteModel: string, price: ModelPrice | undefined): RunEstimates {
  const tokenizer = tokenizerFor(remoteModel);
  const strict = req.privacy === 'strict';
  const repoMap = buildRepoMap(index, req.scope, req.budgets.repoMapTokens, !strict, req.question);
  const plan = countMessages(planMessages({ question: req.question, repoMap, scope: req.scope, round: 1, maxRounds: req.maxRounds, maxTasks: req.budgets.maxTasks, history: '' }), tokenizer)
    + schemaTokens(PLAN_SCHEMA, tokenizer);
  const synthesis = countMessages(synthesisMessages({ question: req.question, digest: '', round: 1, maxRounds: req.maxRounds, nextTasks: req.budgets.maxTasks }), tokenizer)
    + schemaTokens(SYNTHESIS_PLAN_SCHEMA, tokenizer) + req.budgets.digestTokens;
  const chunks = remoteOnlyChunks(index, req);
  return {
    minions: estimate(plan + synthesis, PLAN_REPLY_TOKENS + ANSWER_REPLY_TOKENS, price, tokenizer),
    remoteOnly: estimate(remoteOnlyPromptTokens(req.question, chunks, tokenizer), ANSWER_REPLY_TOKENS, price, tokenizer),
    remoteOnlyChunks: chunks.length,
  };
}

export interface ProtocolChoice {
  protocol: Extract<ProtocolName, 'minions' | 'remote'>;
  reason: string;
}

const total = (e: CostEstimate) => e.promptTokens + e.completionTokens;

/** Picks remote-only when its one request is expected to cost no more than a MinionS round; MinionS otherwise (and always under strict privacy). */
export function chooseProtocol(req: ResolvedRequest, estimates: RunEstimates): ProtocolChoice {
  const { minions, remoteOnly } = estimates;
  if (req.privacy === 'strict') return { protocol: 'minions', reason: 'strict privacy: remote-only would send code to the remote' };
  const figures = `remote-only ~${total(remoteOnly)} remote tokens (${estimates.remoteOnlyChunks} chunks), MinionS ~${total(minions)} per round; counted with ${remoteOnly.tokenizer}`;
  const cheaper = remoteOnly.costUsd !== null && minions.costUsd !== null ? remoteOnly.costUsd <= minions.costUsd : total(remoteOnly) <= total(minions);
  return cheaper
    ? { protocol: 'remote', reason: `the scope is small enough that the remote reading it costs less: ${figures}` }
    : { protocol: 'minions', reason: `the local model reading the code costs less remote spend: ${figures}` };
}
