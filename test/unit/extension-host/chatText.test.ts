import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerParts, CHAT_COMMANDS, chatQuestion, ledgerFooter, withPriorTurns } from '../../../src/extension/chat/chatText';
import { buildQuestion } from '../../../src/extension/templates';
import { emptyLedger } from '../../../src/shared/run/ledger';

test('the slash commands are Analyze\'s templates, and ask the same questions', () => {
  assert.deepEqual(CHAT_COMMANDS.map((c) => c.name), ['explain', 'bugs', 'security', 'summarize']);
  assert.equal(chatQuestion('', 'bugs', ['src/http']), buildQuestion('bugs', 'src/http'));
  assert.equal(chatQuestion('the retry loop', 'explain', []), buildQuestion('explain', 'the retry loop'));
  assert.equal(chatQuestion('', 'summarize', []), buildQuestion('summarize', 'the whole workspace'));
  assert.equal(chatQuestion('  where is X?  ', undefined, ['a.ts']), 'where is X?');
  assert.equal(chatQuestion('', undefined, []), '');
});

test('earlier turns lead the question, the latest ones, shortened', () => {
  assert.equal(withPriorTurns('q', []), 'q');
  const history = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' as const : 'user' as const, text: `turn ${i} ${'x'.repeat(i === 9 ? 2000 : 1)}` }));
  const out = withPriorTurns('and where is it called?', history);
  assert.match(out, /^Earlier in this conversation:\n/);
  assert.ok(!out.includes('turn 3 '), 'only the last six turns');
  assert.match(out, /User: turn 4 /);
  assert.match(out, /Minions: turn 9 x+…\n/);
  assert.ok(out.endsWith('The question now: and where is it called?'));
});

test('the answer is cut at its known citations, in order, and nothing is lost', () => {
  const md = 'Retries: `src/http/retry.ts:16-19` and src/http/client.ts:4; not lib/x.ts:3.';
  const parts = answerParts(md, (p) => p.startsWith('src/'));
  assert.deepEqual(parts.filter((p) => p.kind === 'citation').map((p) => p.kind === 'citation' && p.citation),
    [{ path: 'src/http/retry.ts', startLine: 16, endLine: 19 }, { path: 'src/http/client.ts', startLine: 4, endLine: 4 }]);
  assert.equal(parts.map((p) => (p.kind === 'text' ? p.text : p.label)).join(''), md);
});

test('the footer: dollars for an API, "included in your plan" and counted tokens for VS Code models', () => {
  const l = emptyLedger();
  l.remote = { requests: 2, promptTokens: 900, cachedPromptTokens: 0, completionTokens: 100, costUsd: 0.0021 };
  l.baseline = { remotePromptTokens: 9000, remoteCompletionTokens: 100, costUsd: 0.02 };
  l.savings = { costUsd: 0.0179, ratio: 9.5 };
  assert.match(ledgerFooter(l, false), /remote 2 requests, 1000 tokens, \$0\.0021 · local 0 requests, 0 tokens, free · remote-only \$0\.02 \(9\.5x more\)/);
  const plan = ledgerFooter(l, true);
  assert.match(plan, /1000 tokens \(counted here\), included in your plan/);
  assert.ok(!plan.includes('$'));
});
