import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, type SetupFacts } from '../../../src/extension/setupAdvice';

const base: SetupFacts = {
  protocol: 'minions', localProvider: 'ollama', localUrl: 'http://127.0.0.1:11434', localModel: 'qwen2.5-coder:3b',
  local: { reachable: true, models: ['qwen2.5-coder:3b'] }, remoteBaseUrl: 'https://api.openai.com/v1', remoteModel: 'gpt-4.1', keySet: false,
};

test('no key: VS Code\'s language models are offered when there are any, not otherwise', () => {
  const [withLm] = diagnose({ ...base, lmModels: ['GPT-4.1 (copilot)'] });
  assert.equal(withLm?.id, 'remote-key-missing');
  assert.match(withLm!.message, /Or use GPT-4\.1 \(copilot\) through VS Code, with no key/);
  assert.ok(withLm!.actions.some((a) => a.action === 'useVsCodeModels'));
  const [without] = diagnose({ ...base, lmModels: [] });
  assert.ok(!without!.actions.some((a) => a.action === 'useVsCodeModels'));
});

test('the vscode-lm provider needs no key, but needs a model', () => {
  assert.deepEqual(diagnose({ ...base, remoteProvider: 'vscode-lm', lmModels: ['GPT-4.1 (copilot)'] }), []);
  const [missing] = diagnose({ ...base, remoteProvider: 'vscode-lm', lmModels: [] });
  assert.equal(missing?.id, 'remote-lm-missing');
  assert.deepEqual(diagnose({ ...base, protocol: 'local', remoteProvider: 'vscode-lm', lmModels: [] }), []);
});
