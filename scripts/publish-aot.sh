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
  dotnet publish "$project" -c Release -r linux-x64 -p:PublishAot=true -o "artifacts/aot/$name" -v quiet -nologo
done
echo "publish-aot: ${#projects[@]} projects published with no AOT or trimming warnings"
