// Commands the real-VS-Code tests use to drive the panel without model servers. Registered
// only when MINIONS_TEST=1 (the test runner sets it), never contributed to the palette.
//   minions.test.panelFeed    {scenario, runId?, finish?}  show the panel and feed a synthetic run
//   minions.test.panelMessage raw                          handle a message as if the webview sent it
//   minions.test.panelInfo                                 what the panel holds (for assertions)
//   minions.test.panelExport  {runId}                      the Markdown an export would produce

import * as vscode from 'vscode';
import type { PanelScenario } from './test-scenarios';
import { scenarioEvents } from './test-scenarios';
import { MinionsPanel, panelTestProbe, pushRunEvent, type PanelActions } from './index';

export function registerPanelTestHooks(context: vscode.ExtensionContext, actions: PanelActions): vscode.Disposable {
  let counter = 0;
  return vscode.Disposable.from(
    vscode.commands.registerCommand('minions.test.panelFeed', (args: { scenario?: PanelScenario; runId?: string; finish?: boolean } = {}) => {
      const scenario = args.scenario ?? 'basic';
      const runId = args.runId ?? `test-${scenario}-${Date.now()}-${++counter}`;
      MinionsPanel.show(context, actions);
      for (const event of scenarioEvents(scenario, runId, args.finish !== false)) pushRunEvent(context, runId, event);
      return runId;
    }),
    vscode.commands.registerCommand('minions.test.panelMessage', async (raw: unknown) => {
      const panel = MinionsPanel.current;
      if (!panel) throw new Error('the Minions panel is not open');
      return panel.receive(raw);
    }),
    vscode.commands.registerCommand('minions.test.panelInfo', () => {
      const { exportMarkdown: _, ...info } = panelTestProbe(context);
      return info;
    }),
    vscode.commands.registerCommand('minions.test.panelExport', (args: { runId: string }) => panelTestProbe(context).exportMarkdown(args.runId)),
  );
}
