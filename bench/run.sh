#!/usr/bin/env bash
# Builds the C baselines and runs the benchmarks; BenchmarkDotNet prints the table at the end.
#   bench/run.sh                          every benchmark
#   bench/run.sh --filter '*Lookup*'      a subset (any BenchmarkDotNet argument is passed through)
# Needs root (or CAP_BPF) and gcc. Every bench/**/native/*.c is compiled into one shared library whose
# path the benchmarks read from BPFCHANNELS_BENCH_NATIVE, so each benchmark folder can add its own baselines.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
artifacts=${BPFCHANNELS_ARTIFACTS:-$root/artifacts}
native_dir="$artifacts/bench-native"
mkdir -p "$native_dir"
"$root/scripts/setup.sh" >/dev/null # gcc, bpffs

mapfile -t sources < <(find "$bench" -path '*/native/*.c' -type f | sort)
if ((${#sources[@]} == 0)); then
  echo "no C baselines found under $bench/**/native/" >&2
  exit 1
fi
lib="$native_dir/libbpfchannels_bench_native.so"
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$lib" "${sources[@]}"
export BPFCHANNELS_BENCH_NATIVE="$lib"

args=("$@")
if ((${#args[@]} == 0)); then
  args=(--filter '*')
fi
cd "$bench/BpfChannels.Benchmarks"
dotnet run -c Release --project BpfChannels.Benchmarks.csproj -- "${args[@]}" --artifacts "$artifacts/bench-results"
