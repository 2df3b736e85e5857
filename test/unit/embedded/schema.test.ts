// fitSchemaToBudget: the caps that let a grammar close the JSON within the token budget (no model needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSchemaToBudget, ANY_JSON_OBJECT } from '../../../src/core/llm/embedded-schema';
import { runtimeCandidates, RUNTIME_DIR } from '../../../src/core/llm/embedded-runtime';
import { JOB_SCHEMA, PLAN_SCHEMA, SYNTHESIS_SCHEMA } from '../../../src/core/protocol/schemas';

type S = Record<string, any>;

test('job schema: both free strings share the budget, the line list is capped, the input is not mutated', () => {
  const before = JSON.stringify(JOB_SCHEMA.schema);
  const fitted = fitSchemaToBudget(JOB_SCHEMA.schema, 400) as S;
  assert.equal(fitted.properties.finding.maxLength, 320); // 400 tokens x 2 chars x 0.8 / 2 strings
  assert.equal(fitted.properties.quote.maxLength, 320);
  assert.equal(fitted.properties.lines.maxItems, 6);
  assert.deepEqual(fitted.properties.relevant, { type: 'boolean' });
  assert.deepEqual(fitted.required, JOB_SCHEMA.schema.required);
  assert.equal(JSON.stringify(JOB_SCHEMA.schema), before);
});

test('nested arrays multiply: plan strings get a share of what all tasks together may hold', () => {
  const fitted = fitSchemaToBudget(PLAN_SCHEMA.schema, 2000) as S;
  const task = fitted.properties.tasks.items;
  assert.equal(fitted.properties.tasks.maxItems, 6);
  // 6 tasks x (instruction + 6 keywords + 6 globs + 6 targets) + advice = 115 strings over 3200 characters.
  assert.equal(task.properties.instruction.maxLength, Math.floor(3200 / 115));
  assert.equal(task.properties.keywords.maxItems, 6);
  assert.equal(task.properties.keywords.items.maxLength, Math.floor(3200 / 115));
  assert.equal(fitted.properties.advice.maxLength, Math.floor(3200 / 115));
});

test('enums, existing caps and tiny budgets', () => {
  const fitted = fitSchemaToBudget(SYNTHESIS_SCHEMA.schema, 3000) as S;
  assert.deepEqual(fitted.properties.decision, SYNTHESIS_SCHEMA.schema.properties && (SYNTHESIS_SCHEMA.schema.properties as S).decision);
  assert.equal(fitted.properties.answer.maxLength, 2400);
  const own = fitSchemaToBudget({ type: 'object', properties: { a: { type: 'string', maxLength: 5 }, b: { type: 'string' } } }, 10) as S;
  assert.equal(own.properties.a.maxLength, 5);
  assert.equal(own.properties.b.maxLength, 24, 'never below a usable minimum');
  const flat = fitSchemaToBudget({ type: 'object', properties: { n: { type: 'integer' } } }, 50);
  assert.deepEqual(flat, { type: 'object', properties: { n: { type: 'integer' } } });
});

test('"any JSON" becomes a bounded flat object', () => {
  const fitted = fitSchemaToBudget(ANY_JSON_OBJECT, 1000) as S;
  assert.equal(fitted.maxProperties, 6);
  assert.equal(fitted.additionalProperties.oneOf[0].maxLength, Math.floor(1600 / 12)); // 6 keys x (key + value)
});

test('the runtime is looked for in MINIONS_NODE_LLAMA_CPP_DIR first, then up the folder tree', () => {
  const c = runtimeCandidates({ MINIONS_NODE_LLAMA_CPP_DIR: '/opt/nlc' }, ['/a/b']);
  assert.deepEqual(c, ['/opt/nlc', `/a/b/${RUNTIME_DIR}`, `/a/${RUNTIME_DIR}`, `/${RUNTIME_DIR}`]);
});
