// The host's one citation opener: the panel's citation links and any other caller go through
// it. A citation comes from model output, so its path is checked first (inside a workspace
// folder by the index's own path scheme, after following links) and nothing outside is opened.

import * as vscode from 'vscode';
import type { WorkspaceRoot } from '../core/index/paths';
import type { Citation } from '../core/protocol/events';
import { resolveCitationFile } from './panel/citation-target';
import type { CodeIndex } from '../core/index/types';
import { openDocumentCitation } from './docs/open-document';

export type CitationOpened = 'opened' | 'refused' | 'failed';

/** Opens the cited file with its lines selected; 'refused' when the path is not a file inside a folder. */
export async function openCitation(roots: readonly WorkspaceRoot[], citation: Citation, index?: CodeIndex): Promise<CitationOpened> {
  const file = await resolveCitationFile(roots, citation.path);
  if (!file) return 'refused';
  try {
    // PDFs open their page's text, notebooks their cell (src/extension/docs).
    if (await openDocumentCitation(index, citation, file)) return 'opened';
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(Math.max(0, citation.startLine - 1), last);
    const end = Math.min(Math.max(start, citation.endLine - 1), last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).range.end.character);
    await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preview: true });
    return 'opened';
  } catch {
    return 'failed';
  }
}
