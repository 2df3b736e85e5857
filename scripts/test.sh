#!/usr/bin/env bash
# The full check, as CI runs it (.ci/run calls exactly this): installs what is missing
# (scripts/setup.sh), builds, packages the .vsix the end-to-end tests install, type-checks,
# then runs every test suite (unit, extension host, end to end).
# The last line is the test runner's "N passed, N failed, N skipped"; the exit status is
# non-zero if any step or any test failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

failed_steps=()
timings=()
total_start=$SECONDS

# step NAME CMD...: run CMD, note its time, remember a failure and carry on (so one broken
# step still lets the tests show everything else that is wrong).
step() {
  local name="$1"; shift
  local start=$SECONDS
  printf '\n== %s: %s\n' "$name" "$*"
  if "$@"; then
    timings+=("$name $((SECONDS - start)) s")
  else
    timings+=("$name $((SECONDS - start)) s (FAILED)")
    failed_steps+=("$name")
    return 1
  fi
}

if ! step setup bash scripts/setup.sh; then
  echo "test.sh: setup failed, so nothing can be built or tested; see [setup] FAILED above for what to do." >&2
  exit 1
fi
step build npm run build || true
step package npm run package || true
step typecheck npx tsc -p . --noEmit || true

test_log="$(mktemp)"
trap 'rm -f "$test_log"' EXIT
start=$SECONDS
printf '\n== tests: npm test\n'
npm test 2>&1 | tee "$test_log"
test_status=${PIPESTATUS[0]}
timings+=("tests $((SECONDS - start)) s$([ "$test_status" -eq 0 ] || echo ' (FAILED)')")
[ "$test_status" -eq 0 ] || failed_steps+=(tests)
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$test_log" | tail -n 1)"

printf '\n== test.sh timings: %s; total %s s\n' "$(IFS=';'; echo "${timings[*]}" | sed 's/;/; /g')" "$((SECONDS - total_start))"
if [ "${#failed_steps[@]}" -gt 0 ]; then
  echo "== FAILED: ${failed_steps[*]} (screenshots and logs of failed VS Code tests are in test-artifacts/)"
fi
if [ -n "$summary" ]; then
  echo "$summary"
else
  echo "the test runner printed no summary (exit status $test_status); see its output above"
fi
[ "${#failed_steps[@]}" -eq 0 ]
