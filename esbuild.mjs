// Builds the three bundles the product ships (extension host, webview, CLI) plus the
// index's parse worker, and copies the assets they load at run time (tree-sitter grammars).
//   node esbuild.mjs                dev build (sourcemaps, not minified)
//   node esbuild.mjs --production   minified, external sourcemaps
//   node esbuild.mjs --watch        rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = join(root, 'dist');

/** Grammars we chunk with. Each is ~0.1-4 MB, so only the languages the chunker maps are shipped. */
export const GRAMMARS = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'c_sharp',
  'ruby', 'php', 'kotlin', 'swift', 'bash',
];

function copyAssets() {
  const grammarsOut = join(outdir, 'grammars');
  mkdirSync(grammarsOut, { recursive: true });
  copyFileSync(join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(grammarsOut, 'tree-sitter.wasm'));
  for (const name of GRAMMARS) {
    copyFileSync(
      join(root, `node_modules/tree-sitter-wasms/out/tree-sitter-${name}.wasm`),
      join(grammarsOut, `tree-sitter-${name}.wasm`),
    );
  }
  // pdf.js (the parse worker extracts PDF text with it) is an ES module that is loaded at run
  // time, not bundled into the CommonJS bundles: its legacy build runs in Node without a DOM.
  const pdfjsOut = join(outdir, 'pdfjs');
  mkdirSync(pdfjsOut, { recursive: true });
  for (const name of ['pdf.min.mjs', 'pdf.worker.min.mjs'])
    copyFileSync(join(root, 'node_modules/pdfjs-dist/legacy/build', name), join(pdfjsOut, name));
}

const common = {
  bundle: true,
  sourcemap: production ? 'linked' : 'inline',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // node-llama-cpp carries native binaries and is loaded only by the CLI when asked for.
  external: ['vscode', 'node-llama-cpp', '@node-llama-cpp/*'],
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir },
  {
    ...nodeCommon,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir,
  },
];

// Optional entries appear as the parts that need them land (kept in one list so the
// .vscodeignore allow-list and this file stay in step).
const optionalNodeEntries = {
  'parse-worker': 'src/core/index/parse-worker.ts',
  'walk-worker': 'src/core/index/walk-worker.ts',
  // The extension host's parse workers, each a process of its own (parse-process.ts).
  'parse-process': 'src/core/index/parse-process.ts',
  // The extension's core (index, engine, tokenizer tables), loaded by the extension on first use.
  'extension-core': 'src/extension/core-impl.ts',
  // The CLI's model commands (ask, mcp), loaded by dist/cli.js when one of them runs.
  'cli-models': 'src/cli/models.ts',
};
for (const [name, file] of Object.entries(optionalNodeEntries)) {
  if (existsSync(join(root, file))) builds.push({ ...nodeCommon, entryPoints: { [name]: file }, outdir });
}

mkdirSync(outdir, { recursive: true });
copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (existsSync(join(outdir, 'cli.js'))) chmodSync(join(outdir, 'cli.js'), 0o755);
}
