// Keeps one index of the workspace: built in the background on activation (cancellable
// progress), kept fresh by a debounced file watcher, rebuilt when folders or index settings
// change, dropped and rebuilt from scratch by "Rebuild Index". Nothing is read until the
// workspace is trusted.

import * as vscode from 'vscode';
import { MinionsError, isCancellation, toMinionsError } from '../core/errors';
import { nameRoots, toIndexPath, type WorkspaceRoot } from '../core/index/paths';
import type { CoreApi, IndexHandle } from './coreApi';
import { currentSettings } from './config';
import { PathBatcher } from './pathBatcher';
import { IndexPacer } from './indexPacer';
import type { CostStatusBar } from './statusBar';
import type { MinionsLog } from './log';

const WATCH_DEBOUNCE_MS = 500;

export class IndexService implements vscode.Disposable {
  private handle: IndexHandle | undefined;
  private building: { promise: Promise<IndexHandle>; abort: AbortController; pacer?: IndexPacer } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly batcher: PathBatcher;
  private updating: Promise<void> = Promise.resolve();
  private readonly built = new vscode.EventEmitter<IndexHandle>();
  /** Fires after every successful build (tests and the panel's status use it). */
  readonly onDidBuild = this.built.event;

  constructor(
    private readonly core: CoreApi,
    private readonly context: vscode.ExtensionContext,
    private readonly statusBar: CostStatusBar,
    private readonly log: MinionsLog,
  ) {
    this.batcher = new PathBatcher(WATCH_DEBOUNCE_MS, (paths) => this.applyChanges(paths));
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onChange = (uri: vscode.Uri) => this.fileChanged(uri);
    this.disposables.push(
      watcher,
      watcher.onDidChange(onChange),
      watcher.onDidCreate(onChange),
      watcher.onDidDelete(onChange),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.restart('workspace folders changed')),
      this.built,
    );
  }

  /** The index as it is now, if one was built. */
  get current(): IndexHandle | undefined {
    return this.handle;
  }

  /**
   * File-system workspace folders, named by the core's rule (core/index/paths.ts), which is what
   * the index's paths start with in a multi-root workspace: never the folders' display names.
   */
  roots(): WorkspaceRoot[] {
    return nameRoots((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath));
  }

  cacheDir(): string {
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    return vscode.Uri.joinPath(base, 'index').fsPath;
  }

  /** The index, building it first when there is none (the run controller awaits this). */
  async ensure(): Promise<IndexHandle> {
    this.assertUsable();
    // Pending watcher changes go in first, so a run sees the files as they are now.
    this.batcher.fire();
    await this.updating;
    if (this.handle) return this.handle;
    this.building?.pacer?.hurry(); // a background build: someone waits for it now
    return this.build('first use');
  }

  /** Starts a background build unless one exists (activation, trust granted). */
  startInBackground(reason: string): void {
    if (!vscode.workspace.isTrusted || this.roots().length === 0 || this.handle || this.building) return;
    this.build(reason, true).catch((err) => this.reportFailure(err));
  }

  /** Drops the on-disk cache and builds from scratch. */
  async rebuild(): Promise<IndexHandle> {
    this.assertUsable();
    this.cancelBuild();
    this.handle?.dispose();
    this.handle = undefined;
    await this.core.clearIndexCache(this.cacheDir());
    this.log.info('index cache cleared; rebuilding');
    return this.build('rebuild');
  }

  /** Rebuilds from the cache (which makes unchanged files cheap), e.g. after a settings change. */
  async restart(reason: string): Promise<void> {
    this.cancelBuild();
    this.handle?.dispose();
    this.handle = undefined;
    if (!vscode.workspace.isTrusted || this.roots().length === 0) return;
    await this.build(reason).catch((err) => this.reportFailure(err));
  }

  private assertUsable(): void {
    if (!vscode.workspace.isTrusted) {
      throw new MinionsError('bad-input', 'This workspace is not trusted, so Minions does not read its files',
        'Trust the workspace (Workspaces: Manage Workspace Trust) to index it and ask questions');
    }
    if (this.roots().length === 0) {
      throw new MinionsError('workspace-missing', 'No folder is open', 'Open a folder (File > Open Folder) and ask again');
    }
  }

  private cancelBuild(): void {
    this.building?.abort.abort();
    this.building = undefined;
  }

  /** `background`: nobody waits for it yet, so it yields to the editor (see IndexPacer). */
  private build(reason: string, background = false): Promise<IndexHandle> {
    if (this.building) return this.building.promise;
    const abort = new AbortController();
    const pacer = background ? new IndexPacer(abort.signal) : undefined;
    const roots = this.roots();
    const settings = currentSettings().index;
    const started = Date.now();
    this.log.info(`indexing ${roots.map((r) => r.name).join(', ')} (${reason})`);
    const promise = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Minions: indexing the workspace', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let lastPct = 0;
        this.statusBar.setIndexing({ done: 0, total: 0 });
        try {
          return await this.core.openIndex({
            roots, cacheDir: this.cacheDir(), settings, signal: abort.signal,
            ...(pacer ? { pace: pacer.pace } : {}),
            onProgress: (p) => {
              this.statusBar.setIndexing({ done: p.done, total: p.total });
              // While the walk goes on the total is what it has found so far: no percentage yet.
              if (p.phase === 'walk') {
                progress.report({ message: `walk: ${p.total} files found, ${p.done} indexed` });
                return;
              }
              const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
              if (pct > lastPct) {
                progress.report({ increment: pct - lastPct, message: `${p.phase} ${p.done}/${p.total} files` });
                lastPct = pct;
              }
            },
          });
        } finally {
          this.statusBar.setIndexing(undefined);
          if (pacer) {
            const d = pacer.loopDelay();
            this.log.info(`event-loop delay while indexing in the background: p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms, max ${d.maxMs} ms`);
            pacer.dispose();
          }
        }
      },
    )).then(
      (handle) => {
        if (this.building?.abort !== abort) {
          // Superseded by a rebuild or a restart while it ran.
          handle.dispose();
          throw new MinionsError('index-cancelled', 'Indexing was restarted');
        }
        this.building = undefined;
        this.handle = handle;
        const s = handle.index.stats;
        this.log.info(`index ready: ${s.files} files, ${s.chunks} chunks, ${s.skipped} skipped, ${Date.now() - started} ms`);
        for (const d of handle.documentNotes?.() ?? []) this.log.info(`${d.partial ? 'document read in part' : 'document left out'}: ${d.path}: ${d.reason} (${d.hint})`);
        this.built.fire(handle);
        return handle;
      },
      (err: unknown) => {
        if (this.building?.abort === abort) this.building = undefined;
        throw err;
      },
    );
    this.building = { promise, abort, ...(pacer ? { pacer } : {}) };
    return promise;
  }

  private reportFailure(err: unknown): void {
    if (isCancellation(err)) {
      this.log.info('indexing cancelled; it runs again on the next question or Rebuild Index');
      return;
    }
    const e = toMinionsError(err);
    this.log.error(`indexing failed: ${e.toUserString()}`);
    void vscode.window.showErrorMessage(`Minions could not index the workspace: ${e.toUserString()}`, 'Show Log', 'Rebuild Index').then((pick) => {
      if (pick === 'Show Log') void vscode.commands.executeCommand('minions.showLog');
      if (pick === 'Rebuild Index') void vscode.commands.executeCommand('minions.rebuildIndex');
    });
  }

  private fileChanged(uri: vscode.Uri): void {
    if (!this.handle || uri.scheme !== 'file') return;
    const rel = toIndexPath(this.roots(), uri.fsPath);
    if (rel === undefined || rel === '' || /(^|\/)\.git(\/|$)/.test(rel)) return;
    this.batcher.add(rel);
  }

  private applyChanges(paths: string[]): void {
    const handle = this.handle;
    if (!handle) return;
    this.updating = this.updating.then(async () => {
      try {
        await handle.update(paths);
        this.log.info(`index updated: ${paths.length} changed path(s)`);
      } catch (err) {
        this.log.error(`index update failed: ${toMinionsError(err).toUserString()}`);
      }
    });
  }

  dispose(): void {
    this.cancelBuild();
    this.batcher.dispose();
    this.handle?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
