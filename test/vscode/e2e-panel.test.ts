// End to end: the packaged .vsix installed into code-server, "Minions: Show Panel" run from
// the command palette, and the panel's webview checked from the browser's side.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { E2ESession } from './harness/e2e';
import { ensurePackaged } from './harness/prepare';

describe('end to end: packaged extension in code-server', () => {
  let session: E2ESession | undefined;

  before(async () => {
    ensurePackaged();
    session = await E2ESession.start({ name: 'e2e-panel' });
  });

  after(async () => {
    await session?.close();
  });

  it('"Minions: Show Panel" from the palette opens the panel titled "Minions"', async () => {
    assert.ok(session, 'the session did not start');
    const s = session;
    await s.step('show-panel', async () => {
      await s.runCommand('Minions: Show Panel');
      const heading = await s.webviewText('h1');
      assert.equal(heading.trim(), 'Minions');
      assert.ok((await s.tabLabels()).includes('Minions'), 'no editor tab labelled "Minions"');
      await s.screenshot('e2e-panel-workbench');
    });
  });
});
