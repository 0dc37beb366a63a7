#!/usr/bin/env bash
# Line and branch coverage of the src assemblies, from the three unit-test projects, with the coverlet collector
# (dotnet test --collect "XPlat Code Coverage", Cobertura). Prints one line per test project for the src assembly it
# tests, then the three reports merged per src assembly (a line counts as covered when any project covers it).
#
#   bash eng/coverage.sh                      all three projects
#   bash eng/coverage.sh --project Workflows.Core.Tests
#
# Reports: artifacts/coverage/<test project>/coverage.cobertura.xml and artifacts/coverage/summary.txt.
# The replay tests read ../shared/fixtures and the emulator tests need AIMOCK_URL; without them they skip (CI is set to
# false here), so the numbers are those of the tests that ran.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 CI=false

all_projects=(Workflows.Core.Tests Workflows.Hosting.Tests Workflows.Providers.OpenAI.Tests)
projects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --project) projects+=("${2:?--project needs a name}"); shift 2 ;;
    --project=*) projects+=("${1#*=}"); shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "coverage.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#projects[@]} -eq 0 ] && projects=("${all_projects[@]}")

out="$root/artifacts/coverage"
mkdir -p "$out"

# The test project's own assemblies and the test infrastructure are not what is measured; generated code (the
# LoggerMessage and Regex source generators) carries [GeneratedCode] and is left out.
collector_settings=(
  "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Format=cobertura"
  "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Include=[Workflows.Core]*,[Workflows.Hosting]*,[Workflows.Providers.OpenAI]*"
  "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.ExcludeByAttribute=GeneratedCodeAttribute,ExcludeFromCodeCoverageAttribute"
  "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.SkipAutoProps=true"
)

# Coverlet instruments a module only when it can resolve the assemblies the module references (it must, to read the
# attributes that ExcludeByAttribute names). The OpenAI tests run on the ASP.NET Core shared framework (a
# FrameworkReference, for Kestrel), so the Microsoft.Extensions assemblies that framework ships are not copied next to
# them; coverlet then skips the src modules (CecilAssemblyResolutionException for Microsoft.Extensions.Logging.Abstractions,
# "Unable to instrument module", in its diagnostic log only) and reports 0 lines for them. Copying the framework's
# copies of the missing ones into the output folder lets it resolve them; the test host still loads them from the
# framework (they are not in the deps file). The script also fails when the diagnostic log still reports a module it
# could not instrument, or when the assembly a project tests shows no covered line.
copy_shared_framework_assemblies() {
  local bin="$1" config="$1/$2.runtimeconfig.json" dotnet_root name version dir dll copied=0
  [ -f "$config" ] || return 0
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  while read -r name version; do
    [ "$name" = "Microsoft.NETCore.App" ] && continue
    dir="$dotnet_root/shared/$name/$version"
    if [ ! -d "$dir" ]; then
      # rollForward: the newest installed patch of the same major.minor.
      dir="$(ls -d "$dotnet_root/shared/$name/${version%.*}."* 2>/dev/null | sort -V | tail -n 1)"
    fi
    [ -n "$dir" ] && [ -d "$dir" ] || continue
    for dll in "$dir"/Microsoft.Extensions.*.dll; do
      if [ ! -f "$bin/$(basename "$dll")" ]; then
        cp "$dll" "$bin/"
        copied=$((copied + 1))
      fi
    done
  done < <(jq -r '(.runtimeOptions.frameworks // [.runtimeOptions.framework])[] | "\(.name) \(.version)"' "$config")
  [ "$copied" -gt 0 ] && echo "coverage: copied $copied shared-framework Microsoft.Extensions assemblies next to $2"
  return 0
}

failed=0
for project in "${projects[@]}"; do
  csproj="tests/$project/$project.csproj"
  if [ ! -f "$csproj" ]; then
    echo "coverage.sh: unknown test project '$project' (known: ${all_projects[*]})" >&2
    exit 2
  fi
  echo "== coverage: $project =="
  if ! dotnet build "$csproj" -c Debug -nologo -v q; then
    failed=1
    continue
  fi
  copy_shared_framework_assemblies "$root/artifacts/bin/$project/debug" "$project"
  results="$out/$project/raw"
  rm -rf "$results" "$out/$project/diag"
  dotnet test "$csproj" -c Debug --no-build -nologo --collect "XPlat Code Coverage" --results-directory "$results" \
    --diag "$out/$project/diag/log.txt" -- "${collector_settings[@]}" || failed=1
  report="$(find "$results" -name coverage.cobertura.xml -print -quit)"
  if [ -z "$report" ]; then
    echo "coverage: no report for $project" >&2
    failed=1
    continue
  fi
  cp "$report" "$out/$project/coverage.cobertura.xml"
  if grep -rqs "Unable to instrument module" "$out/$project/diag"; then
    echo "coverage: coverlet could not instrument a module for $project:" >&2
    grep -rhs "Unable to instrument module" "$out/$project/diag" | sed 's/^/  /' | head -n 5 >&2
    failed=1
  fi
  target="${project%.Tests}"
  if ! grep -Eq "<package name=\"$target\" line-rate=\"0*\.?0*[1-9]" "$out/$project/coverage.cobertura.xml"; then
    echo "coverage: $project shows no covered line of $target (was the module instrumented?)" >&2
    failed=1
  fi
done

# Per project (the src assembly it tests), then merged per assembly: union of covered lines over the reports.
python3 - "$out" "${projects[@]}" <<'PY' | tee "$out/summary.txt"
import os, sys, xml.etree.ElementTree as ET
out, projects = sys.argv[1], sys.argv[2:]
merged = {}  # assembly -> {(file, line): covered}
print("Line coverage of the src assembly each test project tests:")
for project in projects:
    path = os.path.join(out, project, "coverage.cobertura.xml")
    if not os.path.exists(path):
        print(f"  {project}: no report")
        continue
    target = project[:-len(".Tests")]
    per = {}
    for package in ET.parse(path).getroot().iter("package"):
        lines = merged.setdefault(package.get("name"), {})
        mine = per.setdefault(package.get("name"), {})
        for cls in package.iter("class"):
            for line in cls.iter("line"):
                key = (cls.get("filename"), int(line.get("number")))
                hit = int(line.get("hits")) > 0
                lines[key] = lines.get(key, False) or hit
                mine[key] = mine.get(key, False) or hit
    own = per.get(target, {})
    covered = sum(own.values())
    pct = 100.0 * covered / len(own) if own else 0.0
    print(f"  {project:34} {target:28} {pct:6.1f}%  ({covered}/{len(own)} lines)")
print("Merged over the projects run, per src assembly:")
for assembly in sorted(merged):
    lines = merged[assembly]
    covered = sum(lines.values())
    print(f"  {assembly:28} {100.0 * covered / len(lines):6.1f}%  ({covered}/{len(lines)} lines)")
PY
exit $failed
