// "Minions: Add MCP Server to Workspace": writes the `minions mcp` entry into the workspace's
// .vscode/mcp.json (merged with what is there), so VS Code's agent mode and other MCP clients
// in this window can call Minions' search and ask tools.
import * as vscode from 'vscode';
import { currentSettings } from '../config';
import { mergeMcpConfig, minionsServerEntry } from '../mcp/mcpConfig';
import type { Services } from './services';

export interface AddMcpServerResult {
  written: boolean;
  file?: string;
  error?: string;
}

export function registerMcpCommands(s: Services): vscode.Disposable[] {
  return [vscode.commands.registerCommand('minions.addMcpServer', () => addMcpServer(s))];
}

async function addMcpServer(s: Services): Promise<AddMcpServerResult> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Minions: open a folder first; the MCP server entry is written to its .vscode/mcp.json.');
    return { written: false, error: 'no workspace folder' };
  }
  const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
  let existing: string | undefined;
  try {
    existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  } catch {
    existing = undefined; // no file yet
  }
  const cli = vscode.Uri.joinPath(s.context.extensionUri, 'dist', 'cli.js').fsPath;
  const entry = minionsServerEntry(cli, currentSettings());
  const merged = mergeMcpConfig(existing, entry);
  if (!merged.ok) {
    const message = `Minions: .vscode/mcp.json was left unchanged because ${merged.error}. Add the "minions" entry under "servers" yourself; it was copied to the clipboard.`;
    await vscode.env.clipboard.writeText(JSON.stringify({ minions: entry }, null, 2));
    void vscode.window.showWarningMessage(message, 'Open mcp.json').then((pick) => pick && vscode.window.showTextDocument(file));
    return { written: false, file: file.fsPath, error: merged.error };
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, '.vscode'));
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(merged.text));
  s.log.info(`${merged.replaced ? 'updated' : 'added'} the minions MCP server in ${file.fsPath}`);
  void vscode.window.showInformationMessage(
    `Minions: ${merged.replaced ? 'updated' : 'added'} the "minions" MCP server in .vscode/mcp.json. VS Code asks for the remote API key when it first starts it.`,
    'Open mcp.json',
  ).then((pick) => pick && vscode.window.showTextDocument(file));
  return { written: true, file: file.fsPath };
}
