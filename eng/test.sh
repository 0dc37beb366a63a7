#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine that has only the .NET SDK (plus Node.js/npm for the
# OpenAI emulator tests), and prints one summary line: "Tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The OpenAI emulator (aimock, pinned in tests/aimock) for the emulator tests. Without it those tests report as
# skipped, except in CI (CI=true), where a missing emulator fails the run.
ci=false
case "${CI:-}" in true|TRUE|True|1) ci=true ;; esac
source "$root/eng/aimock.sh"
trap stop_aimock EXIT

mkdir -p "$root/artifacts"
if ! start_aimock; then
  if [ "$ci" = true ]; then
    echo "aimock is required in CI (CI=true); failing." >&2
    echo
    echo "Tests: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  unset AIMOCK_URL
  echo "aimock: not running; the emulator tests will be reported as skipped." >&2
fi

dotnet test Workflows.sln --configuration Release --logger trx --results-directory "$results" "$@"
status=$?
stop_aimock

# Every src project must pack (readme, license, dependencies), and a fresh console app that references only those
# packages (restored from artifacts/packages and the NuGet registry) must build and run a workflow (eng/pack.sh --smoke).
# Together they count as one test, passed or failed.
pack_failed=0
rm -rf "$root/artifacts/packages"
if ! bash eng/pack.sh --no-build --smoke "$root/artifacts/packages"; then
  echo "pack: dotnet pack of the src projects or the package smoke app failed" >&2
  pack_failed=1
fi

# Formatting gate: whitespace and layout as .editorconfig says (style and analyzer rules are enforced by the build).
# It counts as one test, passed or failed.
format_failed=0
if ! dotnet format whitespace Workflows.sln --verify-no-changes >"$root/artifacts/format.log" 2>&1; then
  grep -E 'error WHITESPACE|error FINALNEWLINE|error ENDOFLINE|error CHARSET' "$root/artifacts/format.log" | head -n 20 >&2
  echo "format: dotnet format whitespace Workflows.sln --verify-no-changes found files to fix; run it without --verify-no-changes" >&2
  format_failed=1
fi

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  attr() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p="$(attr passed)"; f="$(attr failed)"; e="$(attr error)"; t="$(attr timeout)"; a="$(attr aborted)"; n="$(attr notExecuted)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  # xUnit's skipped tests are counted in total but not in executed (its trx leaves notExecuted at 0).
  tot="$(attr total)"; x="$(attr executed)"; unrun=$(( ${tot:-0} - ${x:-0} ))
  [ "$unrun" -gt "${n:-0}" ] && n="$unrun"
  skipped=$((skipped + ${n:-0}))
done

if [ "$files" -eq 0 ] && [ "$status" -ne 0 ]; then
  # The build failed before any test ran: count it as one failure so the summary never reads green.
  failed=$((failed + 1))
fi

for gate in "$pack_failed" "$format_failed"; do
  if [ "$gate" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
