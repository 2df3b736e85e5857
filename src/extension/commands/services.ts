// The long-lived parts every command module receives from activate().
import type * as vscode from 'vscode';
import type { CoreApi } from '../coreApi';
import type { IndexService } from '../indexService';
import type { MinionsLog } from '../log';
import type { RunController } from '../runController';
import type { ApiKeyStore } from '../secrets';
import type { SetupChecker } from '../setup';
import type { CostStatusBar } from '../statusBar';

export interface Services {
  context: vscode.ExtensionContext;
  core: CoreApi;
  log: MinionsLog;
  keys: ApiKeyStore;
  statusBar: CostStatusBar;
  index: IndexService;
  setup: SetupChecker;
  runs: RunController;
}
