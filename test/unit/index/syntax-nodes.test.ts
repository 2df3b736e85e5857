import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLanguage, Parser, treeRuntime } from '../../../src/core/index/grammars';
import { languageOf } from '../../../src/core/index/languages';
import { chunkSyntaxTree } from '../../../src/core/index/chunk-syntax';
import { LineCosts } from '../../../src/core/index/chunk-lines';
import { NO_NODE, NodeObjects, SyntaxNodes, type NodeReader } from '../../../src/core/index/syntax-nodes';
import { lineStarts } from '../../../src/core/index/text';

const FIXTURES = join(__dirname, '../../fixtures/index/langs');
const FIELDS = ['name', 'value', 'definition', 'declaration', 'declarator', 'type', 'body', 'parameters', 'nosuchfield'];

/** Every answer the chunker can ask for, over the whole tree, as one comparable structure. */
function describeTree(t: NodeReader, root: number): unknown[] {
  const out: unknown[] = [];
  const visit = (h: number, depth: number) => {
    const fields = FIELDS.map((f) => {
      const c = t.childForField(h, f);
      return c === NO_NODE ? null : [t.type(c), t.startRow(c), t.text(c)];
    });
    out.push([depth, t.type(h), t.startRow(h), t.endPointRow(h), t.endPointColumn(h), t.childCountOf(h), t.namedChildCountOf(h), t.text(h), fields]);
    for (let i = 0; i < t.namedChildCountOf(h); i++) out.push(['named', i, t.type(t.namedChild(h, i)), t.startRow(t.namedChild(h, i))]);
    for (let i = 0; i < t.childCountOf(h); i++) visit(t.child(h, i), depth + 1);
  };
  visit(root, 0);
  return out;
}

/** The sources the comparison runs on: every language fixture, plus text that is not ASCII and a file that does not parse cleanly. */
function sources(): { name: string; grammar: string; text: string }[] {
  const out = readdirSync(FIXTURES).flatMap((file) => {
    const grammar = languageOf(file).grammar;
    return grammar ? [{ name: file, grammar, text: readFileSync(join(FIXTURES, file), 'utf8') }] : [];
  });
  out.push({ name: 'unicode.ts', grammar: 'typescript', text: 'const café = "naïve 日本 😀";\nexport class Größe {\n  méthode(ü: string) { return ü + "😀"; }\n}\n' });
  out.push({ name: 'broken.js', grammar: 'javascript', text: 'function ok() { return 1 }\nfunction broken( {\n  if (x) { y(\n}\nclass Z { m() {} }\n' });
  return out;
}

describe('syntax nodes read straight from the runtime', () => {
  test('give web-tree-sitter\'s own answers for every node of every language fixture, and the same chunks', async () => {
    const cases = sources();
    assert.ok(cases.length >= 17, 'a fixture per language, and the extra cases');
    for (const c of cases) {
      const language = await loadLanguage(c.grammar);
      assert.ok(language, c.grammar);
      const runtime = treeRuntime();
      assert.ok(runtime, 'the runtime can be read directly on this host');
      const parser = new Parser();
      parser.setLanguage(language);
      const tree = parser.parse(c.text)!;
      try {
        const direct = new SyntaxNodes(runtime, tree, c.text);
        const objects = new NodeObjects();
        assert.deepEqual(describeTree(direct, direct.adopt(tree.rootNode)), describeTree(objects, objects.adopt(tree.rootNode)), c.name);
        const costs = LineCosts.ofLineStarts(lineStarts(c.text), c.text.length);
        // A small budget so that the walk splits nodes and names members.
        for (const budget of [40, 512]) {
          const viaDirect: NodeReader & { adopt(n: typeof tree.rootNode): number } = new SyntaxNodes(runtime, tree, c.text);
          const viaObjects = new NodeObjects();
          assert.deepEqual(
            chunkSyntaxTree(viaDirect, viaDirect.adopt(tree.rootNode), costs, budget),
            chunkSyntaxTree(viaObjects, viaObjects.adopt(tree.rootNode), costs, budget),
            `${c.name} at ${budget} tokens`,
          );
        }
      } finally {
        tree.delete();
      }
    }
  });
});
