// The JSON schemas every structured call sends. They are written for OpenAI's strict mode
// (every property required, no additional properties), which Ollama's `format` and llama.cpp
// grammars also accept. Caps on counts and lengths are enforced by the engine after parsing,
// not here, so a model that overshoots is trimmed rather than rejected.
import type { JsonSchema } from '../llm/types';

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;

/** The remote's plan for one round: tasks for the local workers. */
export const PLAN_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'minions_plan',
  schema: {
    type: 'object',
    properties: {
      tasks: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            instruction: str, keywords: strings, globs: strings,
            // Targeted re-reads: places to read first, how much around them, and how many chunks (0: the default).
            targets: strings, granularity: { type: 'string', enum: ['chunk', 'neighbors', 'file'] }, k: { type: 'integer' },
          },
          required: ['instruction', 'keywords', 'globs', 'targets', 'granularity', 'k'],
          additionalProperties: false,
        },
      },
      advice: str,
    },
    required: ['tasks', 'advice'],
    additionalProperties: false,
  },
};

/** One local worker's report on one chunk. */
export const JOB_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'minions_job',
  schema: {
    type: 'object',
    // Evidence first, then judgement: a model that decides relevance first rationalises it.
    properties: {
      quote: str,
      lines: { type: 'array', items: { type: 'integer' } },
      finding: str,
      relevant: { type: 'boolean' },
    },
    required: ['quote', 'lines', 'finding', 'relevant'],
    additionalProperties: false,
  },
};

/** The remote's synthesis: answer now, or say what is still missing. */
export const SYNTHESIS_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'minions_synthesis',
  schema: {
    type: 'object',
    properties: {
      decision: { type: 'string', enum: ['answer', 'continue'] },
      answer: str,
      missing: str,
    },
    required: ['decision', 'answer', 'missing'],
    additionalProperties: false,
  },
};

/**
 * The synthesis of a round that is not the last: the same fields, plus the next round's plan.
 * Merging "continue" with the next plan makes a continuing round cost one remote call, not two
 * (answering rounds leave tasks empty). Same name as the synthesis: it is the same step.
 */
export const SYNTHESIS_PLAN_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'minions_synthesis',
  schema: {
    type: 'object',
    properties: {
      ...SYNTHESIS_SCHEMA.schema.properties as Record<string, JsonSchema>,
      tasks: (PLAN_SCHEMA.schema.properties as Record<string, JsonSchema>).tasks!,
      advice: str,
      // What is established so far, with finding ids: sent back next round instead of the old digests.
      scratchpad: str,
    },
    required: ['decision', 'answer', 'missing', 'tasks', 'advice', 'scratchpad'],
    additionalProperties: false,
  },
};

/** Minion: the remote's next turn in its chat with the local model. */
export const MINION_TURN_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'minion_turn',
  schema: {
    type: 'object',
    properties: { decision: { type: 'string', enum: ['ask', 'answer'] }, message: str },
    required: ['decision', 'message'],
    additionalProperties: false,
  },
};

/** Remote-only and local-only: a final answer. */
export const ANSWER_SCHEMA: { name: string; schema: JsonSchema } = {
  name: 'answer',
  schema: { type: 'object', properties: { answer: str }, required: ['answer'], additionalProperties: false },
};

export interface PlanAnswer {
  tasks: { instruction: string; keywords: string[]; globs: string[]; targets?: string[]; granularity?: string; k?: number }[];
  advice: string;
}
export interface JobAnswer {
  relevant: boolean;
  finding: string;
  lines: number[];
  quote: string;
}
export interface SynthesisAnswer {
  decision: 'answer' | 'continue';
  answer: string;
  missing: string;
  /** The next round's plan (SYNTHESIS_PLAN_SCHEMA only; empty when answering). */
  tasks?: PlanAnswer['tasks'];
  advice?: string;
  /** What is established, with finding ids (SYNTHESIS_PLAN_SCHEMA only). */
  scratchpad?: string;
}
export interface MinionTurn {
  decision: 'ask' | 'answer';
  message: string;
}
export interface FinalAnswer {
  answer: string;
}
