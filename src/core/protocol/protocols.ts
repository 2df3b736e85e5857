// The protocols a run can use and the longest question it accepts: written once here, read by
// the request check, the extension's settings, the CLI's flags and the panel's input box.
import type { ProtocolName } from './events';

export const PROTOCOLS = ['minions', 'minion', 'remote', 'local'] as const satisfies readonly ProtocolName[];

export function isProtocolName(value: unknown): value is ProtocolName {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

/** What a user picks: a protocol, or `auto` (the default), which runs the cheaper of remote-only and MinionS. */
export type ProtocolChoice = ProtocolName | 'auto';

export const PROTOCOL_CHOICES = ['auto', ...PROTOCOLS] as const satisfies readonly ProtocolChoice[];

export function isProtocolChoice(value: unknown): value is ProtocolChoice {
  return value === 'auto' || isProtocolName(value);
}

/** The protocol a choice needs the models of: `auto` picks between two that both use the remote, as MinionS does. */
export function remoteProtocolOf(choice: ProtocolChoice): ProtocolName {
  return choice === 'auto' ? 'minions' : choice;
}

/** Longer questions are refused: details belong in the files the run is scoped to. */
export const MAX_QUESTION_CHARS = 20_000;
