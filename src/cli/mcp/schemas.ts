// The MCP tools' input and output schemas (zod, as the SDK takes them; it publishes them to
// clients as JSON Schema and validates every call's arguments and every result against them).
// Descriptions are written for the calling agent: they say when to reach for each tool.
import { z } from 'zod';
import { PROTOCOL_CHOICES } from '../../core/protocol/protocols';

const lineRange = {
  path: z.string().describe('Workspace-relative path, / separated'),
  startLine: z.number().int().describe('First line, 1-based'),
  endLine: z.number().int().describe('Last line, inclusive'),
};

const scope = z.array(z.string().min(1)).max(64).optional()
  .describe('Limit to these workspace-relative files or folders (default: the whole workspace)');

export const searchInput = {
  query: z.string().trim().min(1).max(2000).describe('Words, identifiers or a phrase to look for'),
  top: z.number().int().min(1).max(100).optional().describe('How many hits to return (default 10)'),
  scope,
};

export const searchOutput = {
  results: z.array(z.object({
    ...lineRange,
    score: z.number(),
    symbol: z.string().optional().describe('The enclosing class or function'),
    preview: z.string().describe('The first lines of the chunk, shortened'),
  })).describe('Best first'),
};

export const PROTOCOL_NAMES = PROTOCOL_CHOICES;

export const askInput = {
  question: z.string().trim().min(1).max(8000).describe('A question about the code, in plain words'),
  scope,
  protocol: z.enum(PROTOCOL_NAMES).optional()
    .describe('auto (the cheaper of minions and remote for this scope), minions (the local model reads in parallel, the remote plans and answers), minion (a chat between the two), remote (the remote reads the code itself: the costly baseline), local (the local model alone: free)'),
  max_usd: z.number().positive().optional().describe('Most this question may cost in remote-model spend, in USD'),
};

const usd = z.number().nullable().describe('USD; null when the remote model has no known price');

export const askOutput = {
  answer: z.string().describe('Markdown, with path:line citations'),
  protocol: z.enum(PROTOCOL_NAMES),
  rounds: z.number().int(),
  citations: z.array(z.object(lineRange)).describe('Every path:line range the answer cites that exists in the workspace'),
  findings: z.array(z.object({
    ...lineRange,
    task: z.string().describe('What the remote asked the local reader to look for'),
    finding: z.string().describe('What the local model found in those lines'),
  })).describe('The local findings the answer rests on'),
  cost: z.object({
    remoteUsd: usd,
    remoteOnlyBaselineUsd: usd.describe('What the remote-only protocol would have cost over the same chunks'),
    savedUsd: usd,
    ratio: z.number().nullable().describe('Baseline cost / actual cost'),
    remoteTokens: z.object({ prompt: z.number().int(), cachedPrompt: z.number().int(), completion: z.number().int(), requests: z.number().int() }),
    localTokens: z.object({ prompt: z.number().int(), completion: z.number().int(), requests: z.number().int() }),
    maxUsd: z.number().nullable().describe('The spend cap this question ran under, if any'),
  }),
};

export const indexStatusOutput = {
  workspace: z.string(),
  files: z.number().int(),
  chunks: z.number().int(),
  bytes: z.number().int(),
  skipped: z.number().int().describe('Files left out: ignored, binary, secret-looking or too large'),
  ms: z.number().describe('How long the last build or refresh took'),
  cacheDir: z.string().nullable(),
  localModel: z.string(),
  remoteModel: z.string(),
  protocol: z.enum(PROTOCOL_NAMES).describe("The server's default protocol"),
  remoteKeySet: z.boolean().describe('Whether a remote API key was found in the environment (the key itself is never shown)'),
};

export const DESCRIPTIONS = {
  search: 'Find where something lives in this repository, without reading files yourself: ranked path:line hits (BM25 over code-aware chunks) with the enclosing symbol and a short preview. '
    + 'Use it first to locate a function, setting, error message or concept; it is instant and free (no model is called). Open the hits yourself only when you need the full text.',
  ask: 'Answer a question about this repository the cheap way: a small local model reads the relevant code in parallel and reports cited findings; a frontier remote model plans and writes the answer without reading the code itself. '
    + 'Use it instead of reading many files yourself for questions that span the codebase ("where is X decided?", "how does Y flow?", "find bugs in Z"). '
    + 'Returns the answer with path:line citations, the findings it rests on, and what it cost against the remote-only baseline. Takes seconds to minutes; reports progress and can be cancelled.',
  index_status: "What Minions has indexed for this workspace (files, chunks, skipped) and which models it will use. Call it when search finds nothing you expected, or to check the server's setup.",
} as const;
