// `minions` — the headless CLI over the same core the extension uses.
// Each command lives in its own module under ./commands and exports `run(argv): Promise<number>`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MinionsError } from '../core/errors';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

type ModelCommands = typeof import('./models');

/**
 * The model commands' module. Bundled, it is dist/cli-models.js beside this file, required by a
 * computed path so esbuild leaves it out of dist/cli.js (a bundle is read and compiled whole,
 * even the parts a command never runs); from source (tsx), it is ./models.ts.
 */
function modelCommands(): ModelCommands {
  const bundled = join(__dirname, 'cli-models.js');
  const file = existsSync(bundled) ? bundled : join(__dirname, 'models');
  return require(file) as ModelCommands;
}

// Each command's module is loaded when it runs: `minions index` then starts without the model
// clients and tokenizer tables that only `ask` needs (process start is most of a warm reopen).
const COMMANDS: Record<string, Command> = {
  index: { summary: 'build or refresh the workspace index', run: async (argv) => (await import('./commands/index')).run(argv) },
  search: { summary: "rank the workspace's code for a query", run: async (argv) => (await import('./commands/search')).run(argv) },
  ask: { summary: 'answer a question about the workspace (MinionS and friends)', run: (argv) => modelCommands().ask(argv) },
  mcp: { summary: 'serve the workspace to coding agents (Model Context Protocol on stdio)', run: (argv) => modelCommands().mcp(argv) },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(7)} ${c.summary}`);
  return `usage: minions <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrun 'minions <command> --help' for a command's options`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new MinionsError('bad-input', `unknown command '${name}'`, "Run 'minions --help' to see the commands");
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const text = err instanceof MinionsError ? err.toUserString() : err instanceof Error ? err.message : String(err);
    process.stderr.write(`minions: ${text}\n`);
    process.exitCode = 1;
  },
);
