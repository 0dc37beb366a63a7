#!/usr/bin/env bash
# Mutation testing with Stryker.NET: mutates each src project, runs its test projects against every mutant, prints
# the mutation score per project and exits non-zero when a project scores below its threshold (thresholds.break in
# its configuration: 85 for Workflows.Core, 80 for the others).
#
#   bash eng/mutation.sh                                   all three projects (slow: tens of minutes each)
#   bash eng/mutation.sh --project Workflows.Core          one project
#   bash eng/mutation.sh --project Workflows.Core --files 'src/Workflows.Core/Budgets/*.cs'
#                                                          only mutants in the matching files (repeatable)
#   bash eng/mutation.sh --concurrency 2                   test runners in parallel (default 1)
#   bash eng/mutation.sh --project Workflows.Core --test-project tests/Workflows.Core.Tests/Workflows.Core.Tests.csproj
#                                                          only these test projects (repeatable; faster, and the score
#                                                          can only be lower than with all configured ones)
#
# Configuration: eng/stryker/<project>.json (test projects, thresholds, and the equivalent mutants excluded, each
# with its reason; eng/stryker/equivalents.pl finds their code). Reports: artifacts/mutation/<project>/reports/mutation-report.{html,json}.
# The script starts the OpenAI emulator (eng/aimock.sh) so the emulator tests run against every mutant too; each
# test keeps its own journal (X-Test-Id), so parallel test runners do not disturb each other. Without node/npm, or
# without ../shared for the replay tests, those tests skip (rather than fail), because CI is set to false for the
# test runs here: a test that fails on the unmutated code leaves the mutants only it covers without a verdict.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

export PATH="$HOME/.dotnet/tools:$PATH"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 CI=false

all_projects=(Workflows.Core Workflows.Hosting Workflows.Providers.OpenAI)
projects=()
files=()
test_projects=()
concurrency=1

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --project) projects+=("${2:?--project needs a name}"); shift 2 ;;
    --project=*) projects+=("${1#*=}"); shift ;;
    --files) files+=("${2:?--files needs a glob}"); shift 2 ;;
    --files=*) files+=("${1#*=}"); shift ;;
    --test-project) test_projects+=("${2:?--test-project needs a path}"); shift 2 ;;
    --test-project=*) test_projects+=("${1#*=}"); shift ;;
    --concurrency) concurrency="${2:?--concurrency needs a number}"; shift 2 ;;
    --concurrency=*) concurrency="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutation.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#projects[@]} -eq 0 ] && projects=("${all_projects[@]}")
case "$concurrency" in ''|*[!0-9]*|0) echo "mutation.sh: --concurrency must be a positive number" >&2; exit 2 ;; esac

for p in "${projects[@]}"; do
  if [ ! -f "eng/stryker/$p.json" ]; then
    echo "mutation.sh: unknown project '$p' (known: ${all_projects[*]})" >&2
    exit 2
  fi
done

if ! command -v dotnet-stryker >/dev/null 2>&1; then
  echo "dotnet-stryker not found; installing it (dotnet tool install -g dotnet-stryker)"
  dotnet tool install -g dotnet-stryker --version 5.1.0 || { echo "mutation.sh: could not install dotnet-stryker" >&2; exit 2; }
fi

# A --files glob is written from the repository root (src/Workflows.Core/Budgets/*.cs); Stryker matches --mutate
# against paths inside the mutated project, so the src/<project>/ prefix becomes **/. Globs naming another project
# select nothing in this one, and that project is skipped.
mutate_args_for() {
  local project="$1" f rel
  for f in "${files[@]}"; do
    case "$f" in
      src/"$project"/*) rel="${f#src/"$project"/}"; mutate_args+=(--mutate "**/$rel") ;;
      src/*) ;;
      *) mutate_args+=(--mutate "$f") ;;
    esac
  done
}

mkdir -p "$root/artifacts"
source "$root/eng/aimock.sh"
trap stop_aimock EXIT
if [ -z "${AIMOCK_URL:-}" ] && ! start_aimock; then
  echo "mutation.sh: the emulator is not running; the emulator tests skip, and mutants only they cover survive." >&2
fi

failed=0
summary=()
for project in "${projects[@]}"; do
  mutate_args=()
  for t in "${test_projects[@]}"; do
    # From the repository root to the src project's folder, where Stryker runs.
    case "$t" in /*) mutate_args+=(--test-project "$t") ;; *) mutate_args+=(--test-project "$root/$t") ;; esac
  done
  if [ ${#files[@]} -gt 0 ]; then
    mutate_args_for "$project"
    if [ ${#mutate_args[@]} -eq $((2 * ${#test_projects[@]})) ]; then
      summary+=("$project: skipped (no --files in it)")
      continue
    fi
  fi
  # The equivalent mutants of the configuration, found by their code (eng/stryker/equivalents.pl), are excluded.
  if ! exclusions="$(perl "$root/eng/stryker/equivalents.pl" "eng/stryker/$project.json" "src/$project")"; then
    failed=1
    summary+=("$project: not run: fix the equivalent-mutants of eng/stryker/$project.json (see above)  FAIL")
    continue
  fi
  while IFS= read -r pattern; do
    [ -n "$pattern" ] && mutate_args+=(--mutate "$pattern")
  done <<< "$exclusions"
  out="$root/artifacts/mutation/$project"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== Stryker: $project (concurrency $concurrency) =="
  # From the src project's folder: in the root, next to Workflows.sln, Stryker runs in solution context and refuses
  # the configured test projects.
  (cd "src/$project" && dotnet-stryker --config-file "$root/eng/stryker/$project.json" --concurrency "$concurrency" \
    --output "$out" --skip-version-check "${mutate_args[@]}") 2>&1 | tee "$out/stryker.log"
  rc=${PIPESTATUS[0]}

  report="$out/reports/mutation-report.json"
  break_at="$(sed -n 's/.*"break": *\([0-9]*\).*/\1/p' "eng/stryker/$project.json" | head -n 1)"
  if [ -f "$report" ]; then
    # Score as Stryker computes it: killed (+ timeout) over all valid mutants with a verdict, excluding ignored,
    # compile errors and NoCoverage counted as survivors.
    line="$(jq -r '
      [.files[].mutants[].status] as $s
      | ($s | map(select(. == "Killed" or . == "Timeout")) | length) as $k
      | ($s | map(select(. == "Survived")) | length) as $sv
      | ($s | map(select(. == "NoCoverage")) | length) as $nc
      | (if ($k + $sv + $nc) == 0 then "n/a" else ((10000 * $k / ($k + $sv + $nc) | floor) / 100 | tostring) end) as $score
      | "\($score)% (killed \($k), survived \($sv), no coverage \($nc))"' "$report")"
  else
    line="no report (Stryker exit $rc; see $out/stryker.log)"
  fi
  if [ "$rc" -ne 0 ]; then
    failed=1
    summary+=("$project: $line  FAIL (below break $break_at, or Stryker failed)")
  else
    summary+=("$project: $line  ok (break $break_at)")
  fi
done

echo
echo "Mutation scores:"
for s in "${summary[@]}"; do echo "  $s"; done
exit $failed
