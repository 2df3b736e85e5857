import { MinionsError } from '../../core/errors';

// Placeholder until the 'search' command lands; it fails loudly rather than pretending.
export async function run(_argv: string[]): Promise<number> {
  throw new MinionsError('internal', "'minions search' is not built yet");
}
