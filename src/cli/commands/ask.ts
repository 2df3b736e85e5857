import { MinionsError } from '../../core/errors';

// Placeholder until the 'ask' command lands; it fails loudly rather than pretending.
export async function run(_argv: string[]): Promise<number> {
  throw new MinionsError('internal', "'minions ask' is not built yet");
}
