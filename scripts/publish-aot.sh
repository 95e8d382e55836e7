#!/usr/bin/env bash
# Publishes bpfchan and every example with Native AOT. Warnings are errors in this repository, so a
# trimming or AOT warning fails the publish. Output: artifacts/aot/<project>/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
projects=(src/BpfChannels.Tool/BpfChannels.Tool.csproj examples/*/*.csproj)
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "publish-aot: $name"
  # Each project sets PublishAot itself: given on the command line it would reach the netstandard2.0 bindings
  # generator that the examples reference as an analyzer, and restore fails there (NETSDK1207).
  grep -q '<PublishAot>true</PublishAot>' "$project" || { echo "publish-aot: $project does not set PublishAot" >&2; exit 1; }
  dotnet publish "$project" -c Release -r linux-x64 -o "artifacts/aot/$name" -v quiet -nologo
done
echo "publish-aot: ${#projects[@]} projects published with no AOT or trimming warnings"
