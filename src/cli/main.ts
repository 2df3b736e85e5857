// `minions` — the headless CLI over the same core the extension uses.
import { MinionsError } from '../core/errors';

const USAGE = `usage: minions <command> [options]

commands:
  index   build or refresh the workspace index
  search  rank the workspace's code for a query
  ask     answer a question with the MinionS protocol

run 'minions <command> --help' for a command's options`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  throw new MinionsError('bad-input', `unknown command '${command}'`, "Run 'minions --help' to see the commands");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const text = err instanceof MinionsError ? err.toUserString() : err instanceof Error ? err.message : String(err);
    process.stderr.write(`minions: ${text}\n`);
    process.exit(1);
  },
);
