// Setup that explains itself: before a run (and from the walkthrough) check that the local
// server is reachable and has the model, and that a remote key is set and accepted; show what
// is wrong in a notification whose buttons fix it. The remote key check costs a request, so
// it is done once per key and endpoint per session.

import * as vscode from 'vscode';
import { toMinionsError } from '../core/errors';
import { remoteProtocolOf } from '../core/protocol/protocols';
import type { CoreApi, RemoteCheck } from './coreApi';
import { currentSettings } from './config';
import type { ApiKeyStore } from './secrets';
import type { MinionsLog } from './log';
import type { MinionsSettings } from './settings';
import { availableLmModels } from './lm/lmChatModel';
import { connectionGist, diagnose, usesLocal, usesRemote, type FixAction, type SetupFacts, type SetupProblem } from './setupAdvice';

const LOCAL_CHECK_TIMEOUT_MS = 4000;
const REMOTE_CHECK_TIMEOUT_MS = 15000;

export class SetupChecker {
  /** `${baseUrl} ${key}` pairs the remote accepted this session (kept in memory only). */
  private readonly acceptedRemotes = new Set<string>();

  constructor(private readonly core: CoreApi, private readonly keys: ApiKeyStore, private readonly log: MinionsLog) {}

  /** `offeredLmModel`: a VS Code model the caller already holds (the one picked in the chat), so none need be looked up. */
  async gather(settings: MinionsSettings = currentSettings(), offeredLmModel?: string): Promise<SetupFacts> {
    // Auto may pick either MinionS or remote-only per question, so it needs what MinionS needs.
    const protocol = remoteProtocolOf(settings.protocol);
    const facts: SetupFacts = {
      protocol, localProvider: settings.local.provider, localUrl: settings.local.url, localModel: settings.local.model,
      remoteBaseUrl: settings.remote.baseUrl, remoteModel: settings.remote.model, keySet: false,
    };
    const tasks: Promise<void>[] = [];
    if (usesLocal(protocol)) {
      tasks.push((async () => {
        try {
          const models = await this.core.listLocalModels(settings.local, AbortSignal.timeout(LOCAL_CHECK_TIMEOUT_MS));
          facts.local = { reachable: true, models };
        } catch (err) {
          facts.local = { reachable: false, error: connectionGist(err) };
        }
      })());
    }
    if (usesRemote(protocol)) {
      facts.remoteProvider = settings.remote.provider;
      tasks.push((async () => {
        if (settings.remote.provider === 'vscode-lm') {
          facts.lmModels = offeredLmModel ? [offeredLmModel] : await availableLmModels();
          return;
        }
        const { key } = await this.keys.get();
        facts.keySet = key !== undefined;
        if (key !== undefined) facts.remote = await this.checkRemoteOnce(settings, key);
        else facts.lmModels = await availableLmModels(); // offered instead of a key when there are any
      })());
    }
    await Promise.all(tasks);
    return facts;
  }

  private async checkRemoteOnce(settings: MinionsSettings, key: string): Promise<RemoteCheck> {
    const id = `${settings.remote.baseUrl} ${key}`;
    if (this.acceptedRemotes.has(id)) return { ok: true };
    let result: RemoteCheck;
    try {
      result = await this.core.checkRemote(settings.remote, key, AbortSignal.timeout(REMOTE_CHECK_TIMEOUT_MS));
    } catch (err) {
      const e = toMinionsError(err, 'remote-unreachable');
      result = { ok: false, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    }
    if (result.ok) this.acceptedRemotes.add(id);
    return result;
  }

  /** Forgets which keys were accepted (after Set/Clear API key). */
  forgetRemoteChecks(): void {
    this.acceptedRemotes.clear();
  }

  /**
   * Runs the checks; when something is wrong, shows it (non-modal, with fixing buttons) and
   * returns false. `quietWhenOk` false also says "all good" (the walkthrough's button).
   */
  async check(options: { quietWhenOk: boolean; offeredLmModel?: string; settings?: MinionsSettings } = { quietWhenOk: true }): Promise<boolean> {
    const problems = diagnose(await this.gather(options.settings ?? currentSettings(), options.offeredLmModel));
    for (const p of problems) this.log.error(`setup: ${p.message}`);
    if (problems.length === 0) {
      if (!options.quietWhenOk) void vscode.window.showInformationMessage('Minions is ready: the local model and the remote key work.');
      return true;
    }
    // One notification at a time: the first problem is what blocks the run.
    void this.show(problems[0]!);
    return false;
  }

  async show(problem: Pick<SetupProblem, 'message' | 'actions' | 'severity'>): Promise<void> {
    const show = problem.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    const pick = await show(`Minions: ${problem.message}`, ...problem.actions.map((a) => a.label));
    const action = problem.actions.find((a) => a.label === pick)?.action;
    if (action) await this.fix(action);
  }

  async fix(action: FixAction): Promise<void> {
    switch (action) {
      case 'ollamaInstructions': {
        const pick = await vscode.window.showInformationMessage(
          'To run the local model, install Ollama (ollama.com/download), start it with `ollama serve`, then pull a model, e.g. `ollama pull ' +
            currentSettings().local.model + '`. If Ollama runs elsewhere, set minions.local.url.',
          { modal: true }, 'Open ollama.com', 'Check Again');
        if (pick === 'Open ollama.com') await vscode.env.openExternal(vscode.Uri.parse('https://ollama.com/download'));
        if (pick === 'Check Again') await this.check({ quietWhenOk: false });
        return;
      }
      case 'pullModel':
        await vscode.commands.executeCommand('minions.pullModel', currentSettings().local.model);
        return;
      case 'selectModel':
        await vscode.commands.executeCommand('minions.selectLocalModel');
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand('minions.setApiKey');
        return;
      case 'useVsCodeModels':
        await vscode.workspace.getConfiguration('minions').update('remote.provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'minions.');
        return;
      case 'showLog':
        await vscode.commands.executeCommand('minions.showLog');
        return;
      case 'retry':
        await this.check({ quietWhenOk: false });
        return;
    }
  }
}
