// The protocols a run can use and the longest question it accepts: written once here, read by
// the request check, the extension's settings, the CLI's flags and the panel's input box.
import type { ProtocolName } from './events';

export const PROTOCOLS = ['minions', 'minion', 'remote', 'local'] as const satisfies readonly ProtocolName[];

export function isProtocolName(value: unknown): value is ProtocolName {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

/** Longer questions are refused: details belong in the files the run is scoped to. */
export const MAX_QUESTION_CHARS = 20_000;
