#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine that has only the .NET SDK (plus Node.js/npm for the
# OpenAI emulator tests), and prints one summary line: "Tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet test Workflows.sln --configuration Release --logger trx --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  attr() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p="$(attr passed)"; f="$(attr failed)"; e="$(attr error)"; t="$(attr timeout)"; a="$(attr aborted)"; n="$(attr notExecuted)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${n:-0}))
done

if [ "$files" -eq 0 ] && [ "$status" -ne 0 ]; then
  # The build failed before any test ran: count it as one failure so the summary never reads green.
  failed=$((failed + 1))
fi

echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
