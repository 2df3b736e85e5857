// Runs the test suites with node's own test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs            every suite: unit, then vscode (extension host + e2e)
//   node scripts/run-tests.mjs unit       test/unit only
//   node scripts/run-tests.mjs vscode     test/vscode only
//   node scripts/run-tests.mjs FILE...    just those files
// The last line of output is "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SUITES = { unit: 'test/unit', vscode: 'test/vscode' };

function findTests(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (/\.test\.(ts|mjs|js)$/.test(name)) out.push(relative(root, full));
  }
  return out;
}

const args = process.argv.slice(2);
let files = [];
if (args.length === 0) files = Object.values(SUITES).flatMap((d) => findTests(join(root, d)));
else for (const a of args) files.push(...(a in SUITES ? findTests(join(root, SUITES[a])) : [a]));

if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-timeout=900000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/summary-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MINIONS_TEST: '1' } },
);
process.exit(result.status ?? 1);
