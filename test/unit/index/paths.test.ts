// The index's path scheme: folder names, index path <-> file. Two folders with one base name
// are `app` and `app-2`, and every translation agrees on which file a path names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromIndexPath, nameRoots, rootPrefix, toIndexPath } from '../../../src/core/index/paths';
import { rootsFor } from '../../../src/core/index/walk';

test('folders are named by base name, with -2, -3 on a clash; one folder has no prefix', () => {
  const roots = nameRoots(['/a/app', '/b/app/', '/c/lib', '/d/app']);
  assert.deepEqual(roots.map((r) => r.name), ['app', 'app-2', 'lib', 'app-3']);
  assert.equal(rootPrefix(roots, 1), 'app-2/');
  assert.equal(rootPrefix(nameRoots(['/a/app']), 0), '');
  assert.deepEqual(rootsFor(['/a/app', '/b/app']).map((r) => r.prefix), ['app/', 'app-2/']);
});

test('two folders with the same base name: each file is named after its own folder, and back', () => {
  const roots = nameRoots(['/a/app', '/b/app']);
  assert.equal(toIndexPath(roots, '/b/app/src/server.ts'), 'app-2/src/server.ts');
  assert.equal(toIndexPath(roots, '/a/app/src/server.ts'), 'app/src/server.ts');
  assert.equal(toIndexPath(roots, '/b/app'), 'app-2');
  assert.equal(fromIndexPath(roots, 'app-2/src/server.ts'), '/b/app/src/server.ts');
  assert.equal(fromIndexPath(roots, 'app/src/server.ts'), '/a/app/src/server.ts');
  // A display name ("Backend") is not an index name.
  assert.equal(fromIndexPath(roots, 'Backend/src/server.ts'), undefined);
});

test('nested folders: the deepest one names the file', () => {
  const roots = nameRoots(['/ws', '/ws/packages/api']);
  assert.equal(toIndexPath(roots, '/ws/packages/api/src/a.ts'), 'api/src/a.ts');
  assert.equal(toIndexPath(roots, '/ws/README.md'), 'ws/README.md');
});
