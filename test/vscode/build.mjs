// Bundles the extension-host tests: every test/vscode/exthost/suites/*.ts plus the runner, into
// out/test/exthost.js (CommonJS, `vscode` provided by the host). A new suites file is picked
// up without touching anything else.
//   node test/vscode/build.mjs
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const hostDir = join(here, 'exthost');
export const EXTHOST_BUNDLE = join(root, 'out/test/exthost.js');

export async function buildExtensionHostTests() {
  const suites = readdirSync(join(hostDir, 'suites'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort();
  // Suites register their tests when imported, so they come before the runner's export.
  const entry = [...suites.map((name) => `import './suites/${name}';`), "export { run } from './index';"].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: hostDir, sourcefile: 'exthost-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    outfile: EXTHOST_BUNDLE,
    logLevel: 'warning',
  });
  return { bundle: EXTHOST_BUNDLE, suites: suites.map((s) => relative(root, join(hostDir, 'suites', s))) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bundle, suites } = await buildExtensionHostTests();
  console.log(`built ${relative(root, bundle)} from ${suites.length} suites file(s): ${suites.join(', ')}`);
}
