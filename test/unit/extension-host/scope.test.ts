import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scopeFromPaths } from '../../../src/extension/scope';
import { toIndexPath, fromIndexPath } from '../../../src/core/index/paths';

const single = [{ name: 'app', fsPath: '/ws/app' }];
const multi = [{ name: 'api', fsPath: '/ws/api' }, { name: 'web', fsPath: '/ws/web' }];

test('single root: paths are relative to the root', () => {
  assert.equal(toIndexPath(single, '/ws/app/src/a.ts'), 'src/a.ts');
  assert.equal(toIndexPath(single, '/ws/app'), '');
  assert.equal(toIndexPath(single, '/ws/other/a.ts'), undefined);
  assert.equal(toIndexPath(single, '/ws/app2/a.ts'), undefined);
});

test('multi root: paths start with the root name', () => {
  assert.equal(toIndexPath(multi, '/ws/web/src/a.ts'), 'web/src/a.ts');
  assert.equal(toIndexPath(multi, '/ws/api'), 'api');
});

test('scopeFromPaths collapses nested picks, spots the whole workspace, and reports outsiders', () => {
  assert.deepEqual(scopeFromPaths(single, ['/ws/app/src', '/ws/app/src/a.ts', '/ws/app/lib/b.ts', '/tmp/x']), {
    scope: ['lib/b.ts', 'src'], outside: ['/tmp/x'],
  });
  assert.deepEqual(scopeFromPaths(single, ['/ws/app', '/ws/app/src']), { scope: [], outside: [] });
  assert.deepEqual(scopeFromPaths(multi, ['/ws/api', '/ws/web']), { scope: [], outside: [] });
  assert.deepEqual(scopeFromPaths(multi, ['/ws/api', '/ws/web/x.ts']), { scope: ['api', 'web/x.ts'], outside: [] });
});

test('fromIndexPath maps back and refuses escapes', () => {
  assert.equal(fromIndexPath(single, 'src/a.ts'), '/ws/app/src/a.ts');
  assert.equal(fromIndexPath(multi, 'web/src/a.ts'), '/ws/web/src/a.ts');
  assert.equal(fromIndexPath(multi, 'nope/a.ts'), undefined);
  assert.equal(fromIndexPath(single, '../secret'), undefined);
  assert.equal(fromIndexPath(single, 'src/../../secret'), undefined);
  assert.equal(fromIndexPath(single, '/etc/passwd'), undefined);
  assert.equal(fromIndexPath(single, 'C:/x'), undefined);
  assert.equal(fromIndexPath(single, ''), undefined);
});
