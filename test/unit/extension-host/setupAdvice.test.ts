import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, hasModel, connectionGist, type SetupFacts } from '../../../src/extension/setupAdvice';

const base: SetupFacts = {
  protocol: 'minions', localProvider: 'ollama', localUrl: 'http://127.0.0.1:11434', localModel: 'qwen2.5-coder:3b',
  local: { reachable: true, models: ['qwen2.5-coder:3b'] }, remoteBaseUrl: 'https://api.openai.com/v1', remoteModel: 'gpt-4.1',
  keySet: true, remote: { ok: true },
};

test('a healthy setup has no problems', () => {
  assert.deepEqual(diagnose(base), []);
});

test('Ollama down: names the URL, says how to start it, offers instructions', () => {
  const [p, ...rest] = diagnose({ ...base, local: { reachable: false, error: 'ECONNREFUSED' } });
  assert.equal(rest.length, 0);
  assert.equal(p!.id, 'local-unreachable');
  assert.match(p!.message, /Ollama is not reachable at http:\/\/127\.0\.0\.1:11434 \(ECONNREFUSED\)/);
  assert.match(p!.message, /ollama serve/);
  assert.deepEqual(p!.actions.map((a) => a.action), ['ollamaInstructions', 'openSettings', 'retry']);
});

test('model missing: offers the pull and the picker', () => {
  const [p] = diagnose({ ...base, local: { reachable: true, models: ['llama3.2:1b'] } });
  assert.equal(p!.id, 'local-model-missing');
  assert.match(p!.message, /"qwen2\.5-coder:3b" is not in Ollama/);
  assert.match(p!.message, /it has: llama3\.2:1b/);
  assert.deepEqual(p!.actions.map((a) => a.action), ['pullModel', 'selectModel']);
  const [empty] = diagnose({ ...base, local: { reachable: true, models: [] } });
  assert.deepEqual(empty!.actions.map((a) => a.action), ['pullModel']);
});

test('key missing and key rejected', () => {
  const [missing] = diagnose({ ...base, keySet: false, remote: undefined });
  assert.equal(missing!.id, 'remote-key-missing');
  assert.deepEqual(missing!.actions.map((a) => a.action), ['setApiKey', 'openSettings']);
  const [rejected] = diagnose({ ...base, remote: { ok: false, code: 'remote-key-rejected', message: 'The API key was rejected (401)', hint: 'Set a valid key' } });
  assert.equal(rejected!.id, 'remote-rejected');
  assert.match(rejected!.message, /did not accept the request: The API key was rejected \(401\)\. Set a valid key/);
  assert.equal(rejected!.actions[0]!.action, 'setApiKey');
  const [limited] = diagnose({ ...base, remote: { ok: false, code: 'remote-rate-limited', message: 'Rate limited' } });
  assert.equal(limited!.severity, 'warning');
});

test('protocols only check the side they use', () => {
  assert.deepEqual(diagnose({ ...base, protocol: 'local', keySet: false }), []);
  assert.deepEqual(diagnose({ ...base, protocol: 'remote', local: { reachable: false, error: 'x' } }), []);
});

test('hasModel treats a bare name as :latest', () => {
  assert.ok(hasModel(['llama3:latest'], 'llama3'));
  assert.ok(hasModel(['llama3'], 'llama3:latest'));
  assert.ok(!hasModel(['llama3:8b'], 'llama3'));
});

test('connectionGist extracts the errno code', () => {
  const err = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  assert.equal(connectionGist(err), 'ECONNREFUSED');
  assert.equal(connectionGist(new Error('boom')), 'boom');
  const wrapped = new Error('Cannot reach Ollama at http://x (ECONNREFUSED)', { cause: err });
  assert.equal(connectionGist(wrapped), 'ECONNREFUSED');
  assert.equal(connectionGist(Object.assign(new Error('x'), { code: 'local-unreachable' })), 'x');
});

test('a run error gets the buttons that fix it', async () => {
  const { actionsForErrorCode } = await import('../../../src/extension/setupAdvice');
  assert.deepEqual(actionsForErrorCode('local-unreachable').map((a) => a.action), ['ollamaInstructions', 'openSettings']);
  assert.deepEqual(actionsForErrorCode('remote-key-rejected').map((a) => a.action), ['setApiKey']);
  assert.deepEqual(actionsForErrorCode('local-model-missing').map((a) => a.action), ['pullModel', 'selectModel']);
  assert.deepEqual(actionsForErrorCode('internal').map((a) => a.action), ['showLog']);
});
