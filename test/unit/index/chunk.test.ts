import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkText } from '../../../src/core/index/chunker';
import { languageOf } from '../../../src/core/index/languages';
import { splitLines } from '../../../src/core/index/text';
import type { ChunkSpec } from '../../../src/core/index/chunk-types';

const FIXTURES = join(__dirname, '../../fixtures/index/langs');

/** Each fixture holds `wave` then `greet` (in a class where the language has them) and a `farewell` function. */
const CASES: { file: string; greet: string; farewell?: string }[] = [
  { file: 'sample.ts', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.tsx', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.js', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.py', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.go', greet: 'greet', farewell: 'farewell' },
  { file: 'sample.rs', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'Sample.java', greet: 'Greeter.greet', farewell: 'Greeter.farewell' },
  { file: 'sample.c', greet: 'greet', farewell: 'farewell' },
  { file: 'sample.cpp', greet: 'sample.Greeter.greet', farewell: 'sample.farewell' },
  { file: 'Sample.cs', greet: 'Sample.Greeter.greet' },
  { file: 'sample.rb', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.php', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.kt', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.swift', greet: 'Greeter.greet', farewell: 'farewell' },
  { file: 'sample.sh', greet: 'greet', farewell: 'farewell' },
];

/** 1-based line of the first line matching. */
function lineOf(lines: string[], re: RegExp): number {
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i + 1;
}

function assertCoversContiguously(chunks: ChunkSpec[], lineCount: number): void {
  assert.equal(chunks[0]!.startLine, 1);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.startLine, chunks[i - 1]!.endLine + 1, 'chunks are contiguous, without overlap');
  assert.equal(chunks[chunks.length - 1]!.endLine, lineCount);
}

describe('syntax chunks for every listed language', () => {
  for (const c of CASES) {
    test(c.file, async () => {
      const text = readFileSync(join(FIXTURES, c.file), 'utf8');
      const lines = splitLines(text);
      const lang = languageOf(c.file);
      assert.ok(lang.grammar, `${c.file} has a grammar`);
      // A budget that holds one method but not the whole class forces splits along the syntax.
      const result = await chunkText({ text, language: lang.id, grammar: lang.grammar, chunkTokens: 75, parseBudgetMs: 5000 });
      assert.equal(result.method, 'syntax');
      assertCoversContiguously(result.chunks, lines.length);
      assert.ok(result.chunks.length >= 2, 'the file is split');

      const greetDef = lineOf(lines, /\b(?:def|fn|func|function|fun)?\s*\bgreet\b\s*\(/);
      const greetEnd = lineOf(lines, /GREET_END/);
      const greetChunk = result.chunks.find((k) => k.startLine <= greetDef && greetDef <= k.endLine)!;
      // Past the marker line: the closing `}` / `end` is in the same chunk (Python has none).
      assert.ok(greetChunk.endLine >= greetEnd + (c.file.endsWith('.py') ? 0 : 1), 'greet is not cut');
      assert.equal(greetChunk.symbol, c.greet);
      assert.ok(greetChunk.names?.includes(c.greet), 'the chunk lists greet among its definitions');
      // The chunk holding `greet` does not also hold `wave`'s body: chunks follow definitions.
      const waveEnd = lineOf(lines, /WAVE_END/);
      assert.ok(greetChunk.startLine > waveEnd, 'wave and greet are separate chunks');

      if (c.farewell) {
        const fDef = lineOf(lines, /\bfarewell\b\s*\(/);
        const fEnd = lineOf(lines, /FAREWELL_END/);
        const fChunk = result.chunks.find((k) => k.startLine <= fDef && fDef <= k.endLine)!;
        assert.ok(fChunk.endLine >= fEnd, 'farewell is not cut');
        assert.ok(fChunk.names?.includes(c.farewell), `names ${fChunk.names} include ${c.farewell}`);
      }
      for (const k of result.chunks) assert.ok(k.tokens > 0);
    });
  }
});

describe('chunk shapes', () => {
  test('a class that fits stays one chunk with its methods named', async () => {
    const text = readFileSync(join(FIXTURES, 'sample.py'), 'utf8');
    const r = await chunkText({ text, language: 'python', grammar: 'python', chunkTokens: 2000, parseBudgetMs: 5000 });
    assert.equal(r.chunks.length, 1);
    assert.deepEqual(r.chunks[0]!.names, ['Greeter', 'Greeter.wave', 'Greeter.greet', 'farewell']);
  });

  test('an oversized class keeps its header with its first members', async () => {
    const text = readFileSync(join(FIXTURES, 'sample.ts'), 'utf8');
    const lines = splitLines(text);
    const r = await chunkText({ text, language: 'typescript', grammar: 'typescript', chunkTokens: 90, parseBudgetMs: 5000 });
    const header = lineOf(lines, /export class Greeter/);
    const first = r.chunks.find((k) => k.startLine <= header && header <= k.endLine)!;
    assert.equal(first.symbol, 'Greeter');
    assert.ok(first.endLine >= lineOf(lines, /WAVE_END/), 'the header chunk also holds the first method');
  });

  test('exported and decorated definitions are named once, with their members', async () => {
    const ts = 'export class Greeter {\n  greet() {\n    return 1;\n  }\n}\nexport function farewell() {\n  return 2;\n}\n';
    const r = await chunkText({ text: ts, language: 'typescript', grammar: 'typescript', chunkTokens: 512, parseBudgetMs: 5000 });
    assert.deepEqual(r.chunks.map((c) => c.names), [['Greeter', 'Greeter.greet', 'farewell']]);
    const py = '@dataclass\nclass Config:\n    def load(self):\n        return 1\n';
    const p = await chunkText({ text: py, language: 'python', grammar: 'python', chunkTokens: 512, parseBudgetMs: 5000 });
    assert.deepEqual(p.chunks.map((c) => c.names), [['Config', 'Config.load']]);
  });

  test('a parse past its time budget falls back to line chunks', async () => {
    const body = Array.from({ length: 4000 }, (_, i) => `  const v${i} = [${'('.repeat(30)}${i}${')'.repeat(30)}];`).join('\n');
    const text = `function big() {\n${body}\n}\n`;
    const r = await chunkText({ text, language: 'typescript', grammar: 'typescript', chunkTokens: 300, parseBudgetMs: 1 });
    assert.equal(r.method, 'lines-after-timeout');
    assert.equal(r.chunks[r.chunks.length - 1]!.endLine, 4002);
    // The same parser still works for the next file.
    const ok = await chunkText({ text: 'function f() { return 1; }\n', language: 'typescript', grammar: 'typescript', chunkTokens: 300, parseBudgetMs: 5000 });
    assert.equal(ok.method, 'syntax');
  });

  test('a grammar that traps inside wasm falls back to lines, and the next parse works', async () => {
    // tree-sitter-bash 0.1.13's scanner traps on this construct under web-tree-sitter 0.25.
    const text = 'if [[ $(arch) == "aarch64" ]]; then\n  echo arm\nfi\n';
    const r = await chunkText({ text, language: 'shellscript', grammar: 'bash', chunkTokens: 100, parseBudgetMs: 5000 });
    assert.equal(r.method, 'lines-after-error');
    assert.deepEqual(r.chunks.map((k) => [k.startLine, k.endLine]), [[1, 3]]);
    const next = await chunkText({ text: 'greet() {\n  echo hi\n}\n', language: 'shellscript', grammar: 'bash', chunkTokens: 100, parseBudgetMs: 5000 });
    assert.equal(next.method, 'syntax');
    assert.equal(next.chunks[0]!.symbol, 'greet');
  });

  test('markdown splits by heading, ignoring # inside code fences', async () => {
    const section = (n: number) => `## Part ${n}\n\n${'Some words about this part of the guide. '.repeat(8)}\n`;
    const text = `# Guide\n\nIntro.\n\n${section(1)}\n\`\`\`sh\n# not a heading\necho hi\n\`\`\`\n\n${section(2)}\n${section(3)}`;
    const lines = splitLines(text);
    const r = await chunkText({ text, language: 'markdown', chunkTokens: 120, parseBudgetMs: 1000 });
    assert.equal(r.method, 'markdown');
    for (const k of r.chunks.slice(1)) assert.match(lines[k.startLine - 1]!, /^#{1,6} /, 'every later chunk starts at a heading');
    assert.ok(!r.chunks.some((k) => lines[k.startLine - 1] === '# not a heading'));
    assert.deepEqual(r.chunks.map((k) => k.symbol).slice(-2), ['Part 2', 'Part 3']);
  });

  test('plain text is cut by lines with a small overlap', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i + 1} of a long plain text file with words`).join('\n');
    const r = await chunkText({ text, language: 'text', chunkTokens: 100, parseBudgetMs: 1000 });
    assert.equal(r.method, 'lines');
    assert.ok(r.chunks.length > 3);
    for (let i = 1; i < r.chunks.length; i++) assert.equal(r.chunks[i]!.startLine, r.chunks[i - 1]!.endLine - 1, 'two lines of overlap');
    assert.equal(r.chunks[r.chunks.length - 1]!.endLine, 200);
    for (const k of r.chunks) assert.ok(k.tokens <= 100);
  });
});
