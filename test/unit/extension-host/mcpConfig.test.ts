import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeMcpConfig, minionsServerEntry, KEY_INPUT_ID } from '../../../src/extension/mcp/mcpConfig';
import { DEFAULT_SETTINGS } from '../../../src/extension/settings';

const entry = minionsServerEntry('/ext/dist/cli.js', DEFAULT_SETTINGS);

test('the entry runs the bundled CLI in VS Code\'s stdio format, the key from a password input, never inline', () => {
  assert.equal(entry.type, 'stdio');
  assert.equal(entry.command, 'node');
  assert.deepEqual(entry.args.slice(0, 4), ['/ext/dist/cli.js', 'mcp', '--workspace', '${workspaceFolder}']);
  assert.ok(entry.args.includes('--remote-model') && entry.args.includes(DEFAULT_SETTINGS.remote.model));
  assert.deepEqual(entry.env, { MINIONS_REMOTE_API_KEY: `\${input:${KEY_INPUT_ID}}` });
});

test('a new file gets the server and the key input', () => {
  const r = mergeMcpConfig(undefined, entry);
  assert.ok(r.ok);
  const out = JSON.parse(r.text);
  assert.deepEqual(out.servers.minions, entry);
  assert.equal(out.inputs.length, 1);
  assert.equal(out.inputs[0].password, true);
  assert.equal(r.replaced, false);
});

test('an existing file keeps its other servers and inputs; running it twice changes nothing more', () => {
  const existing = JSON.stringify({ servers: { other: { type: 'stdio', command: 'x', args: [] } }, inputs: [{ type: 'promptString', id: 'tok', description: 't' }], extra: 1 });
  const once = mergeMcpConfig(existing, entry);
  assert.ok(once.ok);
  const out = JSON.parse(once.text);
  assert.deepEqual(Object.keys(out.servers), ['other', 'minions']);
  assert.deepEqual(out.inputs.map((i: { id: string }) => i.id), ['tok', KEY_INPUT_ID]);
  assert.equal(out.extra, 1);
  const twice = mergeMcpConfig(once.text, entry);
  assert.ok(twice.ok);
  assert.equal(twice.replaced, true);
  assert.equal(twice.text, once.text);
});

test('a file with comments or a wrong shape is refused, so nothing in it is lost', () => {
  for (const text of ['// mine\n{"servers": {}}', '[1]', '{"servers": []}', '{"inputs": {}}']) {
    const r = mergeMcpConfig(text, entry);
    assert.equal(r.ok, false, text);
  }
});
