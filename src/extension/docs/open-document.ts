// Citations of documents open what a person reads: a PDF citation opens the cited page's text
// (as indexed) in a read-only `minions-doc:` document at the cited lines, with an editor title
// button that opens the PDF itself; a notebook citation opens the notebook and reveals the cell.
// Called from the host's citation opener for .pdf and .ipynb paths.
import * as vscode from 'vscode';
import type { CodeIndex } from '../../core/index/types';
import type { Citation } from '../../core/protocol/events';
import { chunkAtLine, pageText } from './document-text';

export const DOC_SCHEME = 'minions-doc';
const OPEN_SOURCE_COMMAND = 'minions.openDocumentSource';

/** Where a `minions-doc:` document came from: the index path, its file and the page. */
interface DocTarget {
  path: string;
  file: string;
  page: number;
}

function docUri(t: DocTarget): vscode.Uri {
  // The path part is what the tab shows ("report.pdf p. 37"); the query is what is read back.
  const query = new URLSearchParams({ path: t.path, file: t.file, page: String(t.page) }).toString();
  return vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${t.path} p. ${t.page}`, query });
}

function targetOf(uri: vscode.Uri): DocTarget | undefined {
  const q = new URLSearchParams(uri.query);
  const page = Number(q.get('page'));
  const path = q.get('path');
  const file = q.get('file');
  return path && file && Number.isInteger(page) && page >= 1 ? { path, file, page } : undefined;
}

/** Registers the `minions-doc:` provider and the "open the PDF itself" command. */
export function registerDocumentViews(currentIndex: () => CodeIndex | undefined): vscode.Disposable[] {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const t = targetOf(uri);
      const index = currentIndex();
      if (!t || !index) return 'This page is not in the Minions index (yet). Rebuild the index and open the citation again.';
      return pageText(index, t.path, t.page)?.text ?? `Page ${t.page} of ${t.path} has no text in the index.`;
    },
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, provider),
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, async (uri?: vscode.Uri) => {
      const t = targetOf(uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.Uri.parse(`${DOC_SCHEME}:/`));
      if (t) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(t.file));
    }),
  ];
}

/**
 * Opens a PDF or notebook citation; false when the path is neither (the caller opens it as text)
 * or the index does not know the cited line.
 */
export async function openDocumentCitation(index: CodeIndex | undefined, citation: Citation, file: string): Promise<boolean> {
  const lower = citation.path.toLowerCase();
  if (!index || !(lower.endsWith('.pdf') || lower.endsWith('.ipynb'))) return false;
  const chunk = chunkAtLine(index, citation.path, citation.startLine);
  const lineOffset = citation.lineOffset ?? chunk?.lineOffset;
  if (lineOffset === undefined) return false;
  if (lower.endsWith('.pdf')) {
    const page = citation.page ?? chunk?.page;
    if (!page) return false;
    const doc = await vscode.workspace.openTextDocument(docUri({ path: citation.path, file, page }));
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(Math.max(0, citation.startLine - lineOffset - 1), last);
    const end = Math.min(Math.max(start, citation.endLine - lineOffset - 1), last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    const editor = await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preview: true });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }
  const cell = citation.cell ?? chunk?.cell;
  if (!cell) return false;
  const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
  const at = Math.min(cell - 1, Math.max(0, notebook.cellCount - 1));
  const range = new vscode.NotebookRange(at, at + 1);
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [range], viewColumn: vscode.ViewColumn.One, preview: true });
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
