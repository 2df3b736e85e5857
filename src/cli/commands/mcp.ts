// `minions mcp`: serves the workspace to coding agents as a Model Context Protocol server over
// stdio, with the same options and environment as `minions ask`. stdout carries only protocol
// messages, so every log line (and any stray console output) goes to stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createLocalModel } from '../../core/llm/factory';
import type { ChatModel } from '../../core/llm/types';
import type { WorkspaceIndex } from '../../core/index/index';
import { ASK_OPTIONS, askSetupFromFlags } from './ask';
import { defaultCacheDir, openFromFlags, parseCommandArgs } from './index';
import { createMinionsMcpServer } from '../mcp/server';
import { localModelName } from '../mcp/tools';

const MCP_HELP = `usage: minions mcp [--workspace DIR] [the options of 'minions ask']

Serves DIR (default: the current folder) over the Model Context Protocol on stdin/stdout, for
coding agents (Claude Code, Cline, Continue, VS Code). Tools: search, ask, index_status.

Takes every option of 'minions ask --help' (--local-*, --remote-*, --protocol, --privacy,
--max-rounds, --parallel, --max-jobs, the index options) as the defaults of each call, plus
      --max-usd X            the spend cap per question in USD (an ask call's max_usd overrides it)
The remote key is read from MINIONS_REMOTE_API_KEY or OPENAI_API_KEY only; logs go to stderr.`;

const VERSION = '0.1.0';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(() => parseArgs({ args: argv, options: ASK_OPTIONS, allowPositionals: false }), 'mcp');
  if (values.help) {
    process.stdout.write(MCP_HELP + '\n');
    return 0;
  }
  // Anything that would print to stdout would corrupt the protocol stream.
  console.log = console.info = console.debug = console.error;
  const log = (line: string) => process.stderr.write(`minions mcp: ${line}\n`);
  const setup = askSetupFromFlags(values);
  const workspace = resolve(values.workspace ?? process.cwd());
  const cacheDir = values['no-cache'] ? null : resolve(values.cache ?? defaultCacheDir());

  // The index opens in the background once the client is connected, and is refreshed (changed
  // files only) before each call so the answers follow the edits an agent makes.
  let opening: Promise<WorkspaceIndex> | undefined;
  const openOnce = () => (opening ??= openFromFlags(values, { oneShot: false }).then(({ index }) => {
    log(`indexed ${workspace}: ${index.stats.files} files, ${index.stats.chunks} chunks`);
    return index;
  }));
  openOnce().catch(() => (opening = undefined)); // a failed open is reported by the call that needs it, and retried
  let local: Promise<ChatModel> | undefined;
  const ctx = {
    setup, workspace, cacheDir,
    async index() {
      const index = await openOnce();
      await index.refresh();
      return index;
    },
    localModel: () => (local ??= createLocalModel(setup.local).catch((err: unknown) => {
      local = undefined;
      throw err;
    })),
  };

  const server = createMinionsMcpServer(ctx, VERSION, log);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolveClosed) => {
    transport.onclose = () => resolveClosed();
    process.stdin.once('end', () => resolveClosed());
  });
  await server.connect(transport);
  log(`serving ${workspace} on stdio (local ${localModelName(setup)}, remote ${setup.remote.model})`);
  await closed;
  await server.close().catch(() => undefined);
  if (opening) await opening.then((i) => i.dispose(), () => undefined);
  return 0;
}
