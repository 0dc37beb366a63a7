#!/usr/bin/env bash
# Packs every src project into a temporary folder (or $1) and checks each package has its readme, license and
# dependencies. With --smoke, also builds and runs a console app that references the packages alone (no project
# references, no Microsoft.Extensions.Hosting) and runs a workflow on the mock provider.
# Usage: bash eng/pack.sh [--no-build] [--smoke] [output-folder]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
no_build=""; smoke=false; out=""
for arg in "$@"; do
  case "$arg" in
    --no-build) no_build="--no-build" ;;
    --smoke) smoke=true ;;
    *) out="$arg" ;;
  esac
done
if [ -z "$out" ]; then
  out="$(mktemp -d)/packages"
fi
mkdir -p "$out"

for project in src/*/*.csproj; do
  dotnet pack "$project" --configuration Release $no_build --output "$out" --nologo -v q
done

status=0
for package in "$out"/*.nupkg; do
  name="$(basename "$package")"
  listing="$(unzip -l "$package")"
  case "$name" in *.symbols.nupkg) continue ;; esac
  for required in README.md LICENSE '\.nuspec' 'lib/net10.0/.*\.dll' 'lib/net10.0/.*\.xml'; do
    if ! printf '%s' "$listing" | grep -q "$required"; then
      echo "pack: $name lacks $required" >&2
      status=1
    fi
  done
  if ! unzip -p "$package" '*.nuspec' | grep -q '<license type="expression">MIT</license>'; then
    echo "pack: $name has no MIT license expression" >&2
    status=1
  fi
done
echo "pack: $(ls "$out"/*.nupkg | wc -l) packages in $out"

if [ "$smoke" = true ] && [ "$status" -eq 0 ]; then
  app="$(mktemp -d)/smoke"
  mkdir -p "$app"
  version="$(ls "$out"/GenAiWorkflows.Hosting.*.nupkg | sed 's/.*GenAiWorkflows\.Hosting\.\(.*\)\.nupkg/\1/')"
  cat >"$app/Smoke.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestoreAdditionalProjectSources>$out</RestoreAdditionalProjectSources>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="GenAiWorkflows.Hosting" Version="$version" />
    <PackageReference Include="GenAiWorkflows.Providers.OpenAI" Version="$version" />
  </ItemGroup>
</Project>
PROJ
  cat >"$app/Program.cs" <<'CS'
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows;

// Configuration sources as an app without Microsoft.Extensions.Hosting adds them (config.yaml is optional).
var configuration = new ConfigurationBuilder().AddGenAiWorkflowsConfiguration().Build();
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(configuration);
services.AddGenAiWorkflows(wf => wf
    .AddOpenAIProvider()
    .AddMockProvider(mock => mock.WithPatternResponse("^Say (.+)$", "$1!"))
    .AddWorkflow("hello", w => w.AddLlmStep("say", "Say {word}")));
await using var provider = services.BuildServiceProvider();
var result = await provider.GetRequiredService<IWorkflowEngine>()
    .ExecuteAsync("hello", new Dictionary<string, object?> { ["word"] = "hello" });
Console.WriteLine($"{result.Status}: {result.Output}");
return result.IsSuccess ? 0 : 1;
CS
  # A private packages folder, so a stale copy of the same version from an earlier run is never used.
  if ! output="$(NUGET_PACKAGES="$app/.nuget" dotnet run --project "$app/Smoke.csproj" 2>&1)"; then
    printf '%s\n' "$output" >&2
    echo "pack: the smoke app failed" >&2
    status=1
  else
    echo "pack: smoke app: $(printf '%s' "$output" | tail -n 1)"
  fi
fi
exit $status
