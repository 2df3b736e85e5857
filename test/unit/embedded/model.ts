// Where the tests find the real model. CI provisions it (node scripts/provision-model.mjs); on a
// machine without it, the model tests skip with a loud reason instead of failing or faking.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeCandidates } from '../../../src/core/llm/embedded-runtime';

const ROOT = join(__dirname, '../../..');
export const MODEL_PATH = process.env.MINIONS_TEST_MODEL ?? join(ROOT, '.cache/models/gemma-3-270m-q4_k_m.gguf');

function runtimePresent(): boolean {
  return runtimeCandidates(process.env, [ROOT]).some((d) => existsSync(join(d, 'node_modules/node-llama-cpp/package.json')));
}

/** undefined when the model tests can run; otherwise why not (printed loudly). */
export const SKIP_REASON: string | undefined = !existsSync(MODEL_PATH)
  ? `MODEL NOT PROVISIONED: ${MODEL_PATH} is missing; run 'node scripts/provision-model.mjs' to run the real-model tests`
  : !runtimePresent()
    ? "NODE-LLAMA-CPP NOT PROVISIONED: run 'node scripts/provision-model.mjs' to run the real-model tests"
    : undefined;

if (SKIP_REASON) process.stderr.write(`\n*** SKIPPING REAL-MODEL TESTS: ${SKIP_REASON} ***\n\n`);

/** Small and CPU-friendly: the tests share two cores with everything else. */
export const TEST_PARALLEL = 2;
