#!/usr/bin/env bash
# Builds the documentation site into artifacts/docs/ (open artifacts/docs/index.html, or serve it with
# `dotnet docfx serve artifacts/docs`): the conceptual pages under docs/ and the API reference from the XML docs.
# It fails on a missing XML doc (CS1591 is an error in the library build), and on any docfx warning: a broken
# link to a page or image, an <xref:...> or cref that names no API.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null
# Warnings are errors in this repository, so an undocumented public member fails here, by name.
dotnet build src/BpfChannels.Hosting/BpfChannels.Hosting.csproj -c Release -nologo -v quiet
rm -rf docs/api artifacts/docs
# The API metadata: any warning fails.
metadata_log=$(mktemp)
trap 'rm -f "$metadata_log"' EXIT
dotnet docfx metadata docs/docfx.json 2>&1 | tee "$metadata_log"
if grep -qE '^warning:|: warning [A-Za-z]' "$metadata_log"; then
  echo "docs: docfx metadata reported warnings" >&2
  exit 1
fi
# The site: a broken link or an unresolved cross reference is a warning, and fails the build.
dotnet docfx build docs/docfx.json --warningsAsErrors
echo "docs: artifacts/docs/index.html"
