// Bundles the extension-host tests: every test/vscode/exthost/suites/*.ts plus the runner, into
// out/test/exthost.js (CommonJS, `vscode` provided by the host), and likewise the suites that
// need a multi-root workspace (exthost/multiroot/*.ts) into out/test/exthost-multiroot.js. A
// new suites file is picked up without touching anything else.
//   node test/vscode/build.mjs
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const hostDir = join(here, 'exthost');
export const EXTHOST_BUNDLE = join(root, 'out/test/exthost.js');
export const EXTHOST_MULTIROOT_BUNDLE = join(root, 'out/test/exthost-multiroot.js');

export async function buildExtensionHostTests() {
  const main = await buildSuites('suites', EXTHOST_BUNDLE);
  const multiRoot = await buildSuites('multiroot', EXTHOST_MULTIROOT_BUNDLE);
  return { bundle: EXTHOST_BUNDLE, suites: [...main, ...multiRoot] };
}

async function buildSuites(folder, outfile) {
  const suites = readdirSync(join(hostDir, folder))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort();
  // Suites register their tests when imported, so they come before the runner's export.
  const entry = [...suites.map((name) => `import './${folder}/${name}';`), "export { run } from './index';"].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: hostDir, sourcefile: 'exthost-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    outfile,
    logLevel: 'warning',
  });
  return suites.map((s) => relative(root, join(hostDir, folder, s)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { suites } = await buildExtensionHostTests();
  console.log(`built ${relative(root, EXTHOST_BUNDLE)} and ${relative(root, EXTHOST_MULTIROOT_BUNDLE)} from ${suites.length} suites file(s): ${suites.join(', ')}`);
}
