// Where the run history lives in VS Code: the list in workspaceState (small, read at once),
// each run's events in a JSON file under the extension's workspace storage folder (large,
// read on demand). Both are per workspace, so one project's runs never show in another's.

import * as vscode from 'vscode';
import type { RunEvent } from '../../core/protocol/events';
import type { RunSummary } from '../../shared/messages';
import type { HistoryStorage, ShownRunStore } from './history';

const INDEX_KEY = 'minions.runHistory.v1';

export function createWorkspaceHistoryStorage(context: vscode.ExtensionContext): HistoryStorage {
  // Without a folder open there is no workspace storage; global storage keeps runs usable.
  const base = context.storageUri ?? context.globalStorageUri;
  const folder = vscode.Uri.joinPath(base, 'runs');
  const fileOf = (runId: string): vscode.Uri => vscode.Uri.joinPath(folder, `${runId}.json`);
  return {
    readIndex: () => context.workspaceState.get<RunSummary[]>(INDEX_KEY),
    writeIndex: async (runs) => {
      await context.workspaceState.update(INDEX_KEY, runs);
    },
    readRun: async (runId) => {
      try {
        const bytes = await vscode.workspace.fs.readFile(fileOf(runId));
        const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
        return Array.isArray(value) ? (value as RunEvent[]) : undefined;
      } catch {
        return undefined;
      }
    },
    writeRun: async (runId, events) => {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(fileOf(runId), new TextEncoder().encode(JSON.stringify(events)));
    },
    deleteRun: async (runId) => {
      await vscode.workspace.fs.delete(fileOf(runId), { useTrash: false });
    },
  };
}

/** Which run the panel shows, kept in a file beside the runs (see ShownRunStore). */
export function createShownRunStore(context: vscode.ExtensionContext): ShownRunStore {
  const base = context.storageUri ?? context.globalStorageUri;
  const folder = vscode.Uri.joinPath(base, 'runs');
  const file = vscode.Uri.joinPath(folder, 'shown.json');
  return {
    read: async () => {
      try {
        const value: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
        return typeof value === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    },
    write: async (runId) => {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(runId)));
    },
  };
}
