import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countMessages, countText, tokenizerFor } from '../../../src/core/llm/tokens';

describe('token counting', () => {
  it('counts text that spells a special token as ordinary text instead of throwing', () => {
    // The source of a tokenizer (or a model's chat template) contains these literally.
    const code = 'const EOT = "<|endoftext|>"; // then <|im_start|>user';
    const n = countText(code, tokenizerFor('gpt-4o'));
    assert.ok(n > 10, `counted ${n}`);
    // Spelled out, the marker costs several tokens, never the one special token id.
    assert.ok(countText('<|endoftext|>') > 1);
    assert.ok(countMessages([{ role: 'user', content: code }], tokenizerFor('claude-sonnet-4')) > n);
  });
});
