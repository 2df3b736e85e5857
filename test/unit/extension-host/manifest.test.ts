import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, readSettings } from '../../../src/extension/settings';

const root = join(import.meta.dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

test('untrusted workspaces: limited support, and a workspace cannot redirect the model servers', () => {
  const u = manifest.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited');
  for (const key of ['minions.remote.baseUrl', 'minions.local.url']) assert.ok(u.restrictedConfigurations.includes(key), key);
});

test('activation is lazy: no "*" activation event', () => {
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.ok(manifest.activationEvents.includes('onStartupFinished'));
});

test('every command the issue lists is contributed, in the Minions category', () => {
  const titles = new Map<string, string>(contributes.commands.map((c: { command: string; title: string; category?: string }) => [c.command, `${c.category ? c.category + ': ' : ''}${c.title}`]));
  for (const [id, title] of [
    ['minions.ask', 'Minions: Ask About This Workspace'], ['minions.analyze', 'Minions: Analyze with Minions'],
    ['minions.showPanel', 'Minions: Show Panel'], ['minions.cancelRun', 'Minions: Cancel Run'], ['minions.rebuildIndex', 'Minions: Rebuild Index'],
    ['minions.setApiKey', 'Minions: Set Remote API Key'], ['minions.clearApiKey', 'Minions: Clear Remote API Key'],
    ['minions.selectLocalModel', 'Minions: Select Local Model'], ['minions.selectProtocol', 'Minions: Select Protocol'],
    ['minions.showLog', 'Minions: Show Log'], ['minions.resetCostCounter', 'Minions: Reset Cost Counter'],
  ]) assert.equal(titles.get(id!), title);
});

test('menus, keybindings and walkthrough buttons name contributed commands; walkthrough media exist', () => {
  const ids = new Set(contributes.commands.map((c: { command: string }) => c.command));
  for (const [menu, entries] of Object.entries(contributes.menus) as [string, { command: string }[]][]) {
    for (const e of entries) assert.ok(ids.has(e.command), `${menu} names unknown ${e.command}`);
  }
  assert.ok(contributes.menus['explorer/context'].some((e: { command: string }) => e.command === 'minions.analyze'));
  assert.ok(contributes.menus['editor/context'].some((e: { command: string }) => e.command === 'minions.analyzeSelection'));
  for (const k of contributes.keybindings) assert.ok(ids.has(k.command));
  assert.ok(contributes.keybindings.some((k: { command: string }) => k.command === 'minions.ask'));
  const [walkthrough] = contributes.walkthroughs;
  assert.equal(walkthrough.steps.length, 3);
  for (const step of walkthrough.steps) {
    assert.ok(existsSync(join(root, step.media.markdown)), `${step.media.markdown} is missing`);
    for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(ids.has(m[1]), `step ${step.id} links unknown ${m[1]}`);
  }
});

test('every setting has a description and a default that settings.ts reads back unchanged', () => {
  const props = contributes.configuration.properties as Record<string, { default: unknown; description?: string; markdownDescription?: string }>;
  const values: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(props)) {
    assert.ok((p.markdownDescription ?? p.description ?? '').length > 20, `${key} has no real description`);
    values[key.replace(/^minions\./, '')] = p.default;
  }
  // The manifest's defaults, read through settings.ts, are the code's defaults.
  assert.deepEqual(readSettings((k) => values[k]), DEFAULT_SETTINGS);
  // And nothing settings.ts reads is missing from the manifest.
  const read: string[] = [];
  readSettings((k) => { read.push(k); return undefined; });
  for (const k of read) assert.ok(`minions.${k}` in props, `minions.${k} is read but not contributed`);
  for (const area of ['local.provider', 'local.url', 'local.model', 'local.numCtxPolicy', 'local.parallelJobs', 'remote.baseUrl', 'remote.model',
    'protocol', 'maxRounds', 'jobs.perTask', 'jobs.maxPerRound', 'index.include', 'index.exclude', 'index.maxFileBytes', 'privacy', 'prices', 'budget.maxUsdPerRun', 'budget.maxRemoteTokensPerRun']) {
    assert.ok(`minions.${area}` in props, `minions.${area} is missing`);
  }
  assert.ok(!Object.keys(props).some((k) => /key|secret|token$/i.test(k.replace('chunkTokens', ''))), 'a setting looks like it holds a secret');
});

test('the minions-log language has its grammar file', () => {
  const grammar = contributes.grammars.find((g: { language: string }) => g.language === 'minions-log');
  assert.ok(grammar);
  assert.ok(existsSync(join(root, grammar.path)));
  assert.ok(contributes.languages.some((l: { id: string }) => l.id === 'minions-log'));
});
