// The embedded provider on the real model (Gemma 3 270M Q4_K_M through llama.cpp): the engine's
// own job prompt and schema, grammar-constrained output, token counts, parallel sequences and
// cancellation. The file checks need no model and always run.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer';
import { createEmbeddedModel, checkModelFile, type EmbeddedModel } from '../../../src/core/llm/embedded';
import { MinionsError } from '../../../src/core/errors';
import { jobMessages } from '../../../src/core/protocol/prompts';
import { JOB_SCHEMA, type JobAnswer } from '../../../src/core/protocol/schemas';
import { citationFor } from '../../../src/core/protocol/citations';
import { parseJsonAnswer } from '../../../src/core/llm/structured';
import type { Chunk } from '../../../src/core/index/types';
import { MODEL_PATH, SKIP_REASON, TEST_PARALLEL } from './model';

function chunk(path: string, startLine: number, text: string): Chunk {
  const endLine = startLine + text.split('\n').length - 1;
  return { id: `${path}:${startLine}-${endLine}`, path, startLine, endLine, language: 'typescript', tokens: encode(text).length, text };
}

const CHUNKS: { chunk: Chunk; task: string }[] = [
  {
    task: 'Find where the number of retry attempts is decided.',
    chunk: chunk('src/net/retry.ts', 40, [
      'export const DEFAULT_ATTEMPTS = 3;',
      '',
      'export async function withRetry<T>(fn: () => Promise<T>, attempts = DEFAULT_ATTEMPTS): Promise<T> {',
      '  let last: unknown;',
      '  for (let i = 0; i < attempts; i++) {',
      '    try {',
      '      return await fn();',
      '    } catch (err) {',
      '      last = err;',
      '      await sleep(2 ** i * 100);',
      '    }',
      '  }',
      '  throw last;',
      '}',
    ].join('\n')),
  },
  {
    task: 'Find where the HTTP request timeout is set.',
    chunk: chunk('src/net/client.ts', 12, [
      'export class Client {',
      '  constructor(private readonly baseUrl: string, private readonly timeoutMs = 30_000) {}',
      '',
      '  async get(path: string): Promise<Response> {',
      '    return fetch(this.baseUrl + path, { signal: AbortSignal.timeout(this.timeoutMs) });',
      '  }',
      '}',
    ].join('\n')),
  },
  {
    task: 'Find where passwords are hashed.',
    chunk: chunk('src/ui/colors.ts', 1, ['export const RED = "#f00";', 'export const GREEN = "#0f0";', 'export const BLUE = "#00f";'].join('\n')),
  },
];

describe('model file checks (no model needed)', () => {
  test('a missing file is local-model-missing with a hint to provision', async () => {
    await assert.rejects(createEmbeddedModel({ modelPath: '/nonexistent/model.gguf' }), (err: unknown) => {
      assert.ok(err instanceof MinionsError);
      assert.equal(err.code, 'local-model-missing');
      assert.match(err.message, /does not exist/);
      assert.match(err.hint ?? '', /provision-model/);
      return true;
    });
  });

  test('a file that is not GGUF is refused before llama.cpp sees it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minions-gguf-'));
    try {
      const bad = join(dir, 'model.gguf');
      writeFileSync(bad, '<html>404 Not Found</html>');
      assert.throws(() => checkModelFile(bad), (err: unknown) => err instanceof MinionsError && err.code === 'local-model-missing' && /not a GGUF/.test(err.message));
      assert.throws(() => checkModelFile(dir), (err: unknown) => err instanceof MinionsError && /not a file/.test(err.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded provider on the real model', { skip: SKIP_REASON }, () => {
  let model: EmbeddedModel;
  before(async () => {
    model = await createEmbeddedModel({ modelPath: MODEL_PATH, parallel: TEST_PARALLEL, contextTokens: 4096 });
  });
  after(async () => {
    await model?.dispose();
  });

  test('reports what it is: provider, name, context, parallel sequences, chat template', () => {
    assert.equal(model.provider, 'embedded');
    assert.equal(model.role, 'local');
    assert.equal(model.model, 'gemma-3-270m-q4_k_m');
    assert.ok(model.contextTokens >= 4096, `context ${model.contextTokens}`);
    assert.equal(model.parallel, TEST_PARALLEL);
    // The GGUF carries no template; node-llama-cpp picks Gemma's turn format from the architecture.
    assert.equal(model.chatTemplate, 'Gemma');
  });

  test('every job answer parses against the job schema, citations stay in the chunk, counts are plausible', async () => {
    const results = await Promise.all(CHUNKS.map(async ({ chunk: c, task }) => {
      const messages = jobMessages({ question: task, instruction: task, advice: '', chunk: c });
      const r = await model.chat({ messages, schema: JOB_SCHEMA, temperature: 0, maxTokens: 200 });
      return { c, messages, r };
    }));
    let inRange = 0;
    let cited = 0;
    for (const { c, messages, r } of results) {
      const parsed = parseJsonAnswer<JobAnswer>(r.content, JOB_SCHEMA.schema);
      assert.ok(parsed.ok, `${c.path}: ${r.content} -> ${parsed.ok ? '' : parsed.error}`);
      // Grammar-constrained output is exactly the JSON, nothing around it.
      assert.deepEqual(JSON.parse(r.content), parsed.value);
      const citation = citationFor(c, parsed.value.lines);
      assert.equal(citation.path, c.path);
      assert.ok(citation.startLine >= c.startLine && citation.endLine <= c.endLine && citation.startLine <= citation.endLine,
        `${c.path}: citation ${citation.startLine}-${citation.endLine} outside ${c.startLine}-${c.endLine}`);
      cited += parsed.value.lines.length;
      inRange += parsed.value.lines.filter((n) => n >= c.startLine && n <= c.endLine).length;
      // Counts: what llama.cpp evaluated and generated, against an independent tokenizer.
      const chars = messages.reduce((n, m) => n + m.content.length, 0);
      assert.ok(r.usage.promptTokens > chars / 8 && r.usage.promptTokens < chars, `prompt tokens ${r.usage.promptTokens} for ${chars} chars`);
      assert.ok(r.usage.completionTokens > 0 && r.usage.completionTokens <= 200, `completion tokens ${r.usage.completionTokens}`);
      const o200k = encode(r.content).length;
      assert.ok(r.usage.completionTokens >= o200k * 0.5 && r.usage.completionTokens <= o200k * 3 + 4, `completion ${r.usage.completionTokens} vs o200k ${o200k}: ${r.content}`);
      assert.equal(r.finishReason, 'stop');
      assert.equal(r.model, 'gemma-3-270m-q4_k_m');
    }
    process.stdout.write(`# raw cited line numbers inside their chunk: ${inRange}/${cited}\n`);
  });

  test('"{}" as the schema (Ollama\'s format: "json") gives a JSON object that closes within the budget', async () => {
    const r = await model.chat({ messages: [{ role: 'user', content: 'Give a JSON object with a name and an age.' }], schema: { name: 'json', schema: {} }, maxTokens: 60 });
    assert.doesNotThrow(() => JSON.parse(r.content), r.content);
    assert.equal(r.finishReason, "stop", r.content);
  });

  test('a budget too small for the answer still gives valid JSON, for the job schema and for any JSON', async () => {
    // Whatever this CPU's kernels make the model write, the cut lands somewhere inside the JSON.
    for (const [schema, maxTokens] of [[JOB_SCHEMA, 6], [JOB_SCHEMA, 14], [{ name: 'json', schema: {} }, 9], [{ name: 'json', schema: {} }, 23]] as const) {
      const r = await model.chat({ messages: [{ role: 'user', content: 'Describe a user as a JSON object with many fields and long values.' }], schema, maxTokens });
      assert.doesNotThrow(() => JSON.parse(r.content), `${schema.name} at ${maxTokens} tokens: ${r.content}`);
      assert.ok(r.usage.completionTokens <= maxTokens, `${r.usage.completionTokens} tokens for a budget of ${maxTokens}`);
      if (r.closedAfterCut) assert.equal(r.finishReason, 'stop');
    }
  });

  test('streams deltas that add up to the content', async () => {
    const deltas: string[] = [];
    const r = await model.chat({ messages: [{ role: 'user', content: 'Name three colors.' }], maxTokens: 24, onDelta: (t) => deltas.push(t) });
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(''), r.content);
  });

  test('more requests than sequences wait for a free one and all finish', async () => {
    const n = TEST_PARALLEL + 2;
    const rs = await Promise.all(Array.from({ length: n }, (_, i) =>
      model.chat({ messages: [{ role: 'user', content: `Count from ${i} to ${i + 3}.` }], maxTokens: 12 })));
    assert.equal(rs.length, n);
    for (const r of rs) assert.ok(r.usage.completionTokens > 0 && r.usage.completionTokens <= 12);
  });

  test('maxTokens cuts generation and says so (finishReason length)', async () => {
    const r = await model.chat({ messages: [{ role: 'user', content: 'Write a long story about a lighthouse keeper.' }], maxTokens: 8 });
    assert.equal(r.usage.completionTokens, 8);
    assert.equal(r.finishReason, 'length');
  });

  test('cancelling stops generation: the call rejects as cancelled, decoding stops, the sequence is reused', async () => {
    const controller = new AbortController();
    let deltasAfterAbort = 0;
    let abortedAt = 0;
    const started = Date.now();
    const pending = model.chat({
      messages: [{ role: 'user', content: 'Write a very long story about a lighthouse keeper, at least two thousand words.' }],
      maxTokens: 4000,
      signal: controller.signal,
      onDelta: () => {
        if (abortedAt) deltasAfterAbort++;
        else if (Date.now() - started > 300) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(pending, (err: unknown) => err instanceof MinionsError && err.code === 'cancelled');
    process.stdout.write(`# cancel: rejected ${Date.now() - abortedAt} ms after abort, ${deltasAfterAbort} deltas after it\n`);
    assert.ok(abortedAt > 0, 'generation produced text before the abort');
    // Nothing near the 4000-token budget was generated after the abort.
    assert.ok(deltasAfterAbort <= 3, `${deltasAfterAbort} deltas after abort`);
    // Already-aborted signals never start, and the freed sequences still serve.
    await assert.rejects(model.chat({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal }), (err: unknown) => err instanceof MinionsError && err.code === 'cancelled');
    const ok = await Promise.all(Array.from({ length: TEST_PARALLEL }, () => model.chat({ messages: [{ role: 'user', content: 'Say yes.' }], maxTokens: 4 })));
    assert.equal(ok.length, TEST_PARALLEL);
  });

  test('a request waiting for a sequence can be cancelled before it starts', async () => {
    const long = Array.from({ length: TEST_PARALLEL }, () => model.chat({ messages: [{ role: 'user', content: 'Write a poem.' }], maxTokens: 40 }));
    const controller = new AbortController();
    const queued = model.chat({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal });
    controller.abort();
    await assert.rejects(queued, (err: unknown) => err instanceof MinionsError && err.code === 'cancelled');
    await Promise.all(long);
  });

  test('a prompt longer than the context is refused clearly, not silently cut (llama.cpp would shift the context)', async () => {
    const line = 'const retries = 3;\n';
    let tooLong = 0;
    await assert.rejects(model.chat({ messages: [{ role: 'user', content: line.repeat(1500) }], maxTokens: 20 }), (err: unknown) => {
      assert.ok(err instanceof MinionsError);
      assert.equal(err.code, 'context-too-long');
      const m = /The prompt \((\d+) tokens\) does not fit the embedded model's (\d+)-token context/.exec(err.message);
      assert.ok(m, err.message);
      tooLong = Number(m[1]);
      assert.equal(Number(m[2]), model.contextTokens);
      return true;
    });
    // Near the limit, the answer budget shrinks to the room left instead of overflowing.
    const near = line.repeat(Math.floor(((model.contextTokens - 40) / tooLong) * 1500));
    const r = await model.chat({ messages: [{ role: 'user', content: near }], maxTokens: 1000 });
    assert.ok(model.contextTokens - r.usage.promptTokens < 200, `prompt ${r.usage.promptTokens} not near the limit`);
    assert.ok(r.usage.promptTokens + r.usage.completionTokens <= model.contextTokens, `${r.usage.promptTokens}+${r.usage.completionTokens} > ${model.contextTokens}`);
  });

  test('a truncated GGUF file is local-model-missing, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minions-gguf-'));
    try {
      const head = Buffer.alloc(1 << 20);
      const fd = openSync(MODEL_PATH, 'r');
      readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      const cut = join(dir, 'cut.gguf');
      writeFileSync(cut, head);
      await assert.rejects(createEmbeddedModel({ modelPath: cut }), (err: unknown) => {
        assert.ok(err instanceof MinionsError, String(err));
        assert.equal(err.code, 'local-model-missing');
        assert.match(err.hint ?? '', /corrupt|provision/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
