// The Minions MCP server: three tools over the official SDK. Every result carries text (what a
// model reads) and structuredContent (checked against the output schema); every failure comes
// back as a tool error with the CLI's one-line message, so a bad call never ends the server.
// The remote key is scrubbed from everything the server sends, whatever a library put in a message.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toMinionsError } from '../../core/errors';
import { askInput, askOutput, DESCRIPTIONS, indexStatusOutput, searchInput, searchOutput } from './schemas';
import { askTool, indexStatusTool, searchTool, type ToolContext } from './tools';

export const SERVER_NAME = 'minions';

export function createMinionsMcpServer(ctx: ToolContext, version: string, log: (line: string) => void): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version }, { capabilities: { logging: {} } });
  const scrub = scrubber(ctx.setup.remote.apiKey);

  const respond = async (tool: string, work: () => Promise<{ structured: Record<string, unknown>; text: string }>): Promise<CallToolResult> => {
    const started = Date.now();
    try {
      const { structured, text } = await work();
      log(`${tool}: ok in ${Date.now() - started} ms`);
      return scrub({ content: [{ type: 'text', text }], structuredContent: structured });
    } catch (err) {
      const line = `minions: ${toMinionsError(err).toUserString()}`;
      log(`${tool}: ${line}`);
      return scrub({ content: [{ type: 'text', text: line }], isError: true });
    }
  };

  server.registerTool('search', {
    title: 'Search the workspace',
    description: DESCRIPTIONS.search,
    inputSchema: searchInput,
    outputSchema: searchOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => respond('search', () => searchTool(ctx, args)));

  server.registerTool('ask', {
    title: 'Ask Minions about the workspace',
    description: DESCRIPTIONS.ask,
    inputSchema: askInput,
    outputSchema: askOutput,
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, (args, extra) => respond('ask', () => {
    const token = extra._meta?.progressToken;
    const onProgress = token === undefined ? undefined : (p: { progress: number; total?: number; message: string }) => {
      void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...scrub(p) } }).catch(() => undefined);
    };
    return askTool(ctx, args, extra.signal, onProgress);
  }));

  server.registerTool('index_status', {
    title: 'Index status',
    description: DESCRIPTIONS.index_status,
    outputSchema: indexStatusOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, () => respond('index_status', () => indexStatusTool(ctx)));

  return server;
}

/** Replaces every occurrence of the key in a JSON-shaped value (no-op without a key). */
export function scrubber(key: string | undefined): <T>(value: T) => T {
  if (!key) return (v) => v;
  const escaped = JSON.stringify(key).slice(1, -1);
  return <T>(value: T): T => {
    const text = JSON.stringify(value);
    return text.includes(escaped) ? (JSON.parse(text.split(escaped).join('[redacted]')) as T) : value;
  };
}
