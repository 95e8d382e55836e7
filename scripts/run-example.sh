#!/usr/bin/env bash
# Runs the main example against the real kernel (as root): ./scripts/run-example.sh [ExampleName]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
example=${1:-SeedMaps}
shift || true
exec dotnet run --project "$root/examples/$example" -c Release -- "$@"
