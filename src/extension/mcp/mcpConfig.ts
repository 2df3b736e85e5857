// The `.vscode/mcp.json` entry that runs `minions mcp` for the workspace, and merging it into an
// existing file without touching the other servers. Pure (no `vscode` import), so the merge
// rules are unit-tested. VS Code's format: {"servers": {"<name>": {"type": "stdio", ...}}, "inputs": [...]}.
import type { MinionsSettings } from '../settings';

export const MCP_SERVER_NAME = 'minions';
/** VS Code asks for the key once, keeps it in its secret storage and passes it as this env var. */
export const KEY_INPUT_ID = 'minions-remote-api-key';

export interface StdioServerEntry {
  type: 'stdio';
  command: string;
  args: string[];
  env?: Record<string, string>;
}

interface PromptInput {
  type: 'promptString';
  id: string;
  description: string;
  password: boolean;
}

/** The entry for `cliPath` (the extension's bundled CLI), carrying the user's current model settings. */
export function minionsServerEntry(cliPath: string, s: Pick<MinionsSettings, 'local' | 'remote' | 'protocol' | 'privacy'>): StdioServerEntry {
  const args = [
    cliPath, 'mcp', '--workspace', '${workspaceFolder}',
    '--local-provider', s.local.provider, '--local-url', s.local.url, '--local-model', s.local.model,
    '--remote-url', s.remote.baseUrl, '--remote-model', s.remote.model,
    '--protocol', s.protocol, '--privacy', s.privacy,
  ];
  return { type: 'stdio', command: 'node', args, env: { MINIONS_REMOTE_API_KEY: `\${input:${KEY_INPUT_ID}}` } };
}

const KEY_INPUT: PromptInput = {
  type: 'promptString', id: KEY_INPUT_ID, password: true,
  description: 'API key of the remote model Minions plans and answers with (leave empty for the local-only protocol)',
};

export type MergeResult = { ok: true; text: string; replaced: boolean } | { ok: false; error: string };

/**
 * `existing` (the file's text, or undefined when there is none) with the Minions entry set.
 * Other servers and inputs are kept as they are; a file that is not plain JSON (VS Code allows
 * comments) is not rewritten, so nothing in it is lost.
 */
export function mergeMcpConfig(existing: string | undefined, entry: StdioServerEntry): MergeResult {
  let config: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: 'it is not a JSON object' };
      config = parsed as Record<string, unknown>;
    } catch {
      return { ok: false, error: 'it is not plain JSON (it may have comments)' };
    }
  }
  const servers = config.servers ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) return { ok: false, error: '"servers" is not an object' };
  const inputs = config.inputs ?? [];
  if (!Array.isArray(inputs)) return { ok: false, error: '"inputs" is not a list' };
  const replaced = MCP_SERVER_NAME in servers;
  const hasKeyInput = inputs.some((i) => typeof i === 'object' && i !== null && (i as { id?: unknown }).id === KEY_INPUT_ID);
  const next = {
    ...config,
    inputs: hasKeyInput ? inputs : [...inputs, KEY_INPUT],
    servers: { ...(servers as Record<string, unknown>), [MCP_SERVER_NAME]: entry },
  };
  return { ok: true, text: JSON.stringify(next, null, 2) + '\n', replaced };
}
