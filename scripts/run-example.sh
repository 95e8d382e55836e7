#!/usr/bin/env bash
# Runs an example against the real kernel (as root). Without arguments: SyscallCounter for 10 seconds, a
# per-process system call table fed by a BPF program through a map channel. On a terminal the examples draw a
# live view; redirected (./scripts/run-example.sh > run.log) they print plain lines with no escape codes.
#   ./scripts/run-example.sh                      # SyscallCounter, 10 s
#   ./scripts/run-example.sh SeedMaps             # the maps chapter's examples
#   ./scripts/run-example.sh OpenSnoop --OpenSnoop:RunFor 00:00:10
#   ./scripts/run-example.sh SyscallCounter --SyscallCounter:RunFor 00:01:00
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
if (($# == 0)); then
  set -- SyscallCounter --SyscallCounter:RunFor 00:00:10
fi
example=$1
shift
exec dotnet run --project "$root/examples/$example" -c Release -- "$@"
