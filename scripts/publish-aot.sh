#!/usr/bin/env bash
# Publishes bpfchan and every example with Native AOT. Warnings are errors in this repository, so a
# trimming or AOT warning fails the publish. Output: artifacts/aot/<project>/
# Each project sets PublishAot itself: as a global property it would reach the netstandard2.0 bindings generator
# the library references (for packing only), which cannot be compiled ahead of time (NETSDK1207).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
projects=(src/BpfChannels.Tool/BpfChannels.Tool.csproj examples/*/*.csproj)
for project in "${projects[@]}"; do
  if ! grep -q '<PublishAot>true</PublishAot>' "$project"; then
    echo "publish-aot: $project does not set <PublishAot>true</PublishAot>" >&2
    exit 1
  fi
done
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "publish-aot: $name"
  dotnet publish "$project" -c Release -r linux-x64 -o "artifacts/aot/$name" -v quiet -nologo
done
echo "publish-aot: ${#projects[@]} projects published with no AOT or trimming warnings"
