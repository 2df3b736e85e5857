import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATES, buildQuestion, describeTarget } from '../../../src/extension/templates';

test('the quick pick offers the five templates in order', () => {
  assert.deepEqual(TEMPLATES.map((t) => t.label), ['Explain', 'Find bugs', 'Security review', 'Summarize', 'Custom question...']);
});

test('describeTarget names files, folders, many items and selections', () => {
  assert.equal(describeTarget([]), 'the whole workspace');
  assert.equal(describeTarget(['src/core']), 'src/core');
  assert.equal(describeTarget(['a.ts', 'b.ts']), '2 items (a.ts, b.ts)');
  assert.equal(describeTarget(['a', 'b', 'c', 'd']), '4 items (a, b, c, …)');
  assert.equal(describeTarget(['src/a.ts'], { startLine: 10, endLine: 20 }), 'lines 10-20 of src/a.ts');
});

test('every template asks about the target; custom needs text', () => {
  for (const t of TEMPLATES.filter((x) => x.id !== 'custom')) {
    const q = buildQuestion(t.id, 'src/net');
    assert.match(q, /src\/net/, t.id);
    assert.ok(q.length > 30);
  }
  assert.match(buildQuestion('bugs', 'x'), /bugs/i);
  assert.match(buildQuestion('security', 'x'), /security/i);
  assert.equal(buildQuestion('custom', 'src/a.ts', '  '), '');
  assert.equal(buildQuestion('custom', 'src/a.ts', 'Why is it slow?'), 'Why is it slow? (about src/a.ts)');
});
