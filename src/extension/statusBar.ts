// The status-bar cost counter: spent and saved for this workspace (persisted in
// workspaceState, so it survives reloads), a tooltip with the breakdown, a click that opens
// the panel. While the index builds it shows the progress instead, and during a run a spinner.

import * as vscode from 'vscode';
import type { LedgerSnapshot } from '../core/ledger/types';
import type { RunOutcome } from '../shared/run/outcome';
import { addRun, emptyTotals, formatIndexingText, formatStatusText, formatTooltip, parseTotals, type CostTotals } from './costCounter';

const STATE_KEY = 'minions.costTotals';

export class CostStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('minions.cost', vscode.StatusBarAlignment.Right, 100);
  private totals: CostTotals;
  private indexing: { done: number; total: number } | undefined;
  private running = false;

  constructor(private readonly state: vscode.Memento) {
    this.totals = parseTotals(state.get(STATE_KEY));
    this.item.name = 'Minions cost';
    this.item.command = 'minions.showPanel';
    this.render();
    this.item.show();
  }

  get current(): CostTotals {
    return this.totals;
  }

  /** The text shown now (for tests and the log). */
  get text(): string {
    return this.item.text;
  }

  async recordRun(ledger: LedgerSnapshot, outcome: RunOutcome = 'ok'): Promise<void> {
    this.totals = addRun(this.totals, ledger, outcome);
    await this.state.update(STATE_KEY, this.totals);
    this.render();
  }

  async reset(): Promise<void> {
    this.totals = emptyTotals();
    await this.state.update(STATE_KEY, this.totals);
    this.render();
  }

  setIndexing(progress: { done: number; total: number } | undefined): void {
    this.indexing = progress;
    this.render();
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.render();
  }

  private render(): void {
    if (this.indexing) {
      this.item.text = formatIndexingText(this.indexing.done, this.indexing.total);
      this.item.tooltip = 'Minions is indexing the workspace in the background. Click to open the panel.';
      return;
    }
    this.item.text = formatStatusText(this.totals, this.running ? '$(loading~spin)' : '$(hubot)');
    const tip = new vscode.MarkdownString(formatTooltip(this.totals));
    tip.supportThemeIcons = true;
    this.item.tooltip = tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
