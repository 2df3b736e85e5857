// Commands the real-VS-Code tests use to drive the panel without model servers. Registered by
// activation only when MINIONS_TEST=1 (the test runner sets it), never contributed to the palette.
//   minions.test.panelFeed    {scenario, runId?, finish?}  show the panel and feed a synthetic run
//   minions.test.panelMessage raw                          handle a message as if the webview sent it
//   minions.test.panelInfo                                 what the panel holds (for assertions)
//   minions.test.panelExport  {runId}                      the Markdown an export would produce

import * as vscode from 'vscode';
import { MinionsPanel, type PanelHost } from './panel';
import { scenarioEvents, type PanelScenario } from './test-scenarios';

export function registerPanelTestHooks(host: PanelHost): vscode.Disposable {
  const { recorder } = host;
  let counter = 0;
  return vscode.Disposable.from(
    vscode.commands.registerCommand('minions.test.panelFeed', (args: { scenario?: PanelScenario; runId?: string; finish?: boolean } = {}) => {
      const scenario = args.scenario ?? 'basic';
      const runId = args.runId ?? `test-${scenario}-${Date.now()}-${++counter}`;
      MinionsPanel.createOrShow(host);
      for (const event of scenarioEvents(scenario, runId, args.finish !== false)) recorder.record(runId, event);
      return runId;
    }),
    vscode.commands.registerCommand('minions.test.panelMessage', async (raw: unknown) => {
      const panel = MinionsPanel.currentPanel;
      if (!panel) throw new Error('the Minions panel is not open');
      return panel.receive(raw);
    }),
    vscode.commands.registerCommand('minions.test.panelInfo', () => {
      const panel = MinionsPanel.currentPanel;
      return {
        open: !!panel,
        visible: panel?.panel.visible ?? false,
        html: panel?.panel.webview.html ?? '',
        liveRunId: recorder.liveRunId,
        history: recorder.history.list(),
        /** What the page was sent for the last finished run (checked for keys). */
        lastRunJson: recorder.lastRun ? JSON.stringify(recorder.lastRun.events) : '',
      };
    }),
    vscode.commands.registerCommand('minions.test.panelExport', (args: { runId: string }) => recorder.exportMarkdown(args.runId)),
  );
}
