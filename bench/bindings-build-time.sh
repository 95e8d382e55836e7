#!/usr/bin/env bash
# What the bindings generator adds to an incremental build of an example: builds examples/SyscallCounter once,
# then RUNS times edits a C# file (so the compiler runs again, and the generator with it) and rebuilds with the
# compiler's analyzer report on, printing the generator's own time (ReportAnalyzer) beside the build's wall time.
#   bench/bindings-build-time.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
project="$root/examples/SyscallCounter/SyscallCounter.csproj"
touched="$root/examples/SyscallCounter/Program.cs"
log=$(mktemp)
trap 'rm -f "$log"; git -C "$root" checkout -q -- examples/SyscallCounter/Program.cs' EXIT
dotnet build "$project" -c Release -nologo -v q >/dev/null
for ((i = 1; i <= runs; i++)); do
  printf '\n// build-time run %d\n' "$i" >>"$touched"
  start=$(date +%s.%N)
  dotnet build "$project" -c Release -nologo -v d -p:ReportAnalyzer=true >"$log"
  end=$(date +%s.%N)
  generator=$(grep -E '^[[:space:]]+[0-9.]+[[:space:]]+[0-9<]+[[:space:]]+BpfChannels\.Bindings\.BindingsGenerator' "$log" | awk '{print $1}' | head -1 || true)
  printf 'run %d: build %.2f s, BindingsGenerator %s s\n' "$i" "$(echo "$end - $start" | bc)" "${generator:-?}"
done
