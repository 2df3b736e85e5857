// Document citations inside a real VS Code: a PDF citation opens the cited page's text in a
// read-only minions-doc: editor at the cited line, whose title button opens the PDF itself; a
// notebook citation opens the notebook with the cited cell selected. The PDF and the notebook
// are generated into the fixture workspace for the test and removed after it.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { minionsApi } from './host-basics';
import { waitFor } from '../wait';
import { notebookJson, textPdf } from '../../../support/make-docs';

const DIR = 'docs-e2e';
const PDF = `${DIR}/report.pdf`;
const NOTEBOOK = `${DIR}/analysis.ipynb`;

suite('documents', () => {
  test('a PDF citation opens the page text at the line, with a button for the PDF; a notebook citation reveals the cell', async () => {
    const { services, actions } = await minionsApi();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(root, DIR), { recursive: true });
    writeFileSync(join(root, PDF), await textPdf([
      ['Annual Report 2024', 'Acme Widgets Incorporated'],
      ['Financial Highlights', 'Operations ran in three plants.', 'Total revenue for fiscal 2024 was 4,812 million dollars.'],
    ]));
    writeFileSync(join(root, NOTEBOOK), notebookJson());
    const handle = await services.index.ensure();
    try {
      await handle.update([PDF, NOTEBOOK]);
      const hit = handle.index.search('total revenue fiscal 2024', { top: 1, globs: [`${DIR}/**`] })[0]!.chunk;
      assert.equal(hit.path, PDF);
      assert.equal(hit.page, 2);
      const line = hit.startLine + hit.text.split('\n').findIndex((l) => l.startsWith('Total revenue'));
      actions.openCitation({ path: PDF, startLine: line, endLine: line });
      const editor = await waitFor(() => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'minions-doc' ? e : undefined;
      }, 'the page text to open in a minions-doc: editor');
      assert.equal(editor.document.getText(), 'Financial Highlights\nOperations ran in three plants.\nTotal revenue for fiscal 2024 was 4,812 million dollars.');
      assert.equal(editor.selection.start.line, 2, 'the cited line is selected');
      assert.equal(editor.document.lineAt(editor.selection.start.line).text, 'Total revenue for fiscal 2024 was 4,812 million dollars.');
      assert.match(decodeURIComponent(editor.document.uri.path), /report\.pdf p\. 2$/);
      // A content provider's document has no writable file system behind it: the editor is read-only.
      assert.notEqual(vscode.workspace.fs.isWritableFileSystem('minions-doc'), true);

      await vscode.commands.executeCommand('minions.openDocumentSource');
      await waitFor(() => (vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputCustom || t.input instanceof vscode.TabInputText
        ? (t.input as { uri: vscode.Uri }).uri.fsPath === join(root, PDF) : false) ? true : undefined), 'the PDF itself to open');

      const cell = handle.index.chunksOf(NOTEBOOK).find((c) => c.cell === 4)!;
      actions.openCitation({ path: NOTEBOOK, startLine: cell.startLine + 1, endLine: cell.startLine + 1 });
      const nb = await waitFor(() => {
        const e = vscode.window.activeNotebookEditor;
        return e && e.notebook.uri.fsPath === join(root, NOTEBOOK) ? e : undefined;
      }, 'the notebook to open', 20_000);
      await waitFor(() => (vscode.window.activeNotebookEditor?.selections?.[0]?.start === 3 ? true : undefined), 'cell 4 to be selected');
      assert.match(nb.notebook.cellAt(3).document.getText(), /^## Conclusion/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(join(root, DIR), { recursive: true, force: true });
      await handle.update([PDF, NOTEBOOK]);
    }
  }, { timeoutMs: 90_000 });
});
