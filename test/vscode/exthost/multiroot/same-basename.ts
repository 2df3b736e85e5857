// A multi-root workspace whose two folders share a base name (`…/a/app` and `…/b/app`, the
// second shown as "Backend"), made by test/vscode/exthost-multiroot.test.ts. The index names
// them `app` and `app-2`; Analyze, search results, citations and the panel's path check must
// all address the folder a path names, never the first folder with that base name.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { suite, test } from '../registry';
import { waitFor } from '../wait';
import { minionsApi, withServers } from '../host-support';
import { excerptOf } from '../suites/host-fakes';
import { fromIndexPath } from '../../../../src/core/index/paths';
import type { AskResult } from '../../../../src/extension/runController';

/** What the second folder's copy of retry.ts has and the first's lacks. */
const BACKEND_MARKER = 'backend copy';

function folders(): [vscode.WorkspaceFolder, vscode.WorkspaceFolder] {
  const all = vscode.workspace.workspaceFolders ?? [];
  assert.equal(all.length, 2, `two folders open (${all.map((f) => f.uri.fsPath).join(', ')})`);
  return [all[0]!, all[1]!];
}

suite('multi-root: two folders with one base name', () => {
  test('the index names them app and app-2, and the host uses the same names', async () => {
    const { services } = await minionsApi();
    const [first, second] = folders();
    assert.equal(second.name, 'Backend');
    const handle = await services.index.ensure();
    assert.deepEqual(handle.roots.map((r) => r.name), ['app', 'app-2']);
    assert.deepEqual(services.index.roots(), handle.roots.map((r) => ({ ...r })));
    assert.deepEqual(handle.roots.map((r) => r.fsPath), [first.uri.fsPath, second.uri.fsPath]);
    const paths = handle.index.files().map((f) => f.path);
    for (const p of ['app/src/retry.ts', 'app-2/src/retry.ts', 'app-2/src/server.ts']) assert.ok(paths.includes(p), `${p} not indexed (${paths.join(', ')})`);
  }, { timeoutMs: 60_000 });

  test('search results resolve to the file of the folder they name', async () => {
    const { services } = await minionsApi();
    const handle = await services.index.ensure();
    const hits = handle.index.search('retry delay attempt backoff', { top: 10 });
    const prefixes = new Set(hits.map((h) => h.chunk.path.split('/')[0]));
    assert.ok(prefixes.has('app') && prefixes.has('app-2'), `both folders found (${[...prefixes].join(', ')})`);
    for (const hit of hits) {
      const file = fromIndexPath(handle.roots, hit.chunk.path);
      assert.ok(file, `${hit.chunk.path} resolves`);
      const onDisk = readFileSync(file, 'utf8');
      assert.equal(onDisk.includes(BACKEND_MARKER), hit.chunk.path.startsWith('app-2/'), `${hit.chunk.path} -> ${file}`);
    }
  }, { timeoutMs: 30_000 });

  test('Analyze on the second folder\'s file reads that file only', async () => {
    const [, second] = folders();
    const file = vscode.Uri.joinPath(second.uri, 'src', 'retry.ts');
    await withServers(async (s) => {
      const outcome = await vscode.commands.executeCommand<AskResult>('minions.analyze', file, [file], { template: 'explain' });
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      const read = s.ollama.chatBodies().map((b) => excerptOf(b)?.path);
      assert.ok(read.length > 0, 'no local jobs ran');
      for (const p of read) assert.equal(p, 'app-2/src/retry.ts', `a job read ${p}`);
      const plan = s.openai.chatBodies()[0]!.messages.map((m) => m.content).join('\n');
      assert.match(plan, /app-2\/src\/retry\.ts/);
    });
  }, { timeoutMs: 90_000 });

  test('citations and the panel\'s path check open the folder the path names', async () => {
    const [first, second] = folders();
    await vscode.commands.executeCommand('minions.showPanel');
    const open = async (path: string) => vscode.commands.executeCommand<'accepted' | 'refused'>('minions.test.panelMessage', { type: 'open-citation', path, startLine: 1, endLine: 2 });
    assert.equal(await open('app-2/src/retry.ts'), 'accepted');
    await waitFor(() => (vscode.window.activeTextEditor?.document.uri.fsPath === vscode.Uri.joinPath(second.uri, 'src', 'retry.ts').fsPath ? true : undefined), 'the second folder\'s retry.ts to open');
    assert.equal(await open('app/src/retry.ts'), 'accepted');
    await waitFor(() => (vscode.window.activeTextEditor?.document.uri.fsPath === vscode.Uri.joinPath(first.uri, 'src', 'retry.ts').fsPath ? true : undefined), 'the first folder\'s retry.ts to open');
    // The display name is not a name the index uses; neither is a path that leaves the folder.
    assert.equal(await open('Backend/src/retry.ts'), 'refused');
    assert.equal(await open('app-2/../app/src/retry.ts'), 'refused');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }, { timeoutMs: 30_000 });
});
