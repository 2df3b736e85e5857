// Ask, Analyze with Minions (Explorer items and editor selections), Show Panel, Cancel Run.
import * as vscode from 'vscode';
import type { AskResult } from '../runController';
import { scopeFromPaths } from '../scope';
import { TEMPLATES, buildQuestion, describeTarget, type TemplateId } from '../templates';
import type { Services } from './services';

/** Lets tests (and keybindings with args) skip the quick pick: `{ template: 'explain' }` or `{ question: '...' }`. */
export interface AnalyzeOptions {
  template?: TemplateId;
  question?: string;
}

export function registerAskCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('minions.ask', async (question?: unknown): Promise<AskResult | undefined> => {
      const q = typeof question === 'string' ? question : await vscode.window.showInputBox({
        title: 'Minions: Ask About This Workspace',
        prompt: 'A question about the open workspace. The local model reads the code; the remote model plans and answers.',
        placeHolder: 'e.g. Where is the retry policy decided?',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Type a question' : undefined),
      });
      if (q === undefined || q.trim() === '') return undefined;
      return s.runs.ask(q);
    }),

    vscode.commands.registerCommand('minions.analyze', async (uri?: unknown, uris?: unknown, options?: AnalyzeOptions) => {
      const picked = pickedUris(uri, uris);
      if (picked.length === 0) {
        void vscode.window.showInformationMessage('Minions: pick one or more files or folders in the Explorer, then choose "Analyze with Minions".');
        return undefined;
      }
      return analyze(s, picked.map((u) => u.fsPath), undefined, options);
    }),

    vscode.commands.registerCommand('minions.analyzeSelection', async (_uri?: unknown, options?: AnalyzeOptions) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.uri.scheme !== 'file') {
        void vscode.window.showInformationMessage('Minions: open a file from the workspace and select code, then choose "Analyze with Minions".');
        return undefined;
      }
      const sel = editor.selection;
      const lines = sel.isEmpty ? undefined : { startLine: sel.start.line + 1, endLine: sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1 };
      return analyze(s, [editor.document.uri.fsPath], lines, options);
    }),

    vscode.commands.registerCommand('minions.showPanel', () => s.runs.showPanel()),

    vscode.commands.registerCommand('minions.cancelRun', () => {
      if (!s.runs.cancel()) void vscode.window.showInformationMessage('Minions: no run is in progress.');
    }),
  ];
}

/** Explorer passes (clicked, allSelected); a keybinding or the palette pass nothing. */
function pickedUris(uri: unknown, uris: unknown): vscode.Uri[] {
  if (Array.isArray(uris) && uris.length > 0 && uris.every((u) => u instanceof vscode.Uri)) return uris as vscode.Uri[];
  if (uri instanceof vscode.Uri) return [uri];
  const active = vscode.window.activeTextEditor?.document.uri;
  return active && active.scheme === 'file' ? [active] : [];
}

async function analyze(s: Services, fsPaths: string[], lines: { startLine: number; endLine: number } | undefined, options?: AnalyzeOptions) {
  const roots = s.index.roots();
  const { scope, outside } = scopeFromPaths(roots, fsPaths);
  if (outside.length > 0) {
    void vscode.window.showWarningMessage(`Minions: ${outside.length === fsPaths.length ? 'the selection is' : `${outside.length} item(s) are`} outside the workspace folders and cannot be analysed. Add the folder to the workspace first.`);
    if (outside.length === fsPaths.length) return undefined;
  }
  const target = describeTarget(scope, lines);
  let question = options?.question;
  if (question === undefined) {
    const templateId = options?.template ?? (await pickTemplate(target));
    if (!templateId) return undefined;
    let custom: string | undefined;
    if (templateId === 'custom') {
      custom = await vscode.window.showInputBox({ title: `Minions: ask about ${target}`, prompt: 'Your question', ignoreFocusOut: true });
      if (!custom?.trim()) return undefined;
    }
    question = buildQuestion(templateId, target, custom);
  }
  return s.runs.ask(question, scope);
}

async function pickTemplate(target: string): Promise<TemplateId | undefined> {
  const pick = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, id: t.id })),
    { title: `Analyze with Minions: ${target}`, placeHolder: 'What should Minions do with it?', matchOnDetail: true },
  );
  return pick?.id;
}
