#!/usr/bin/env bash
# Builds and runs every test assembly, then the package consumer check (scripts/consumer-check.sh: the
# packages from a folder feed, used by projects outside the repository), and prints one summary line:
#   tests: N passed, N failed, N skipped
# Each consumer check counts as one test. BPFCHANNELS_CONSUMER_CHECK=0 leaves it out (counted as skipped).
# Kernel tests skip (with the reason) when the process cannot use BPF, unless BPFCHANNELS_REQUIRE_BPF=1.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh" || exit 1

log=$(mktemp)
docs_log=$(mktemp)
trap 'rm -f "$log" "$docs_log"' EXIT
dotnet test BpfChannels.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each assembly prints "total: / failed: / succeeded: / skipped:" lines; sum them.
read -r passed failed skipped < <(awk '
  /^[[:space:]]*failed:[[:space:]]*[0-9]+/    { f += $2 }
  /^[[:space:]]*succeeded:[[:space:]]*[0-9]+/ { p += $2 }
  /^[[:space:]]*skipped:[[:space:]]*[0-9]+/   { s += $2 }
  END { print p+0, f+0, s+0 }' "$log")
if ((status != 0 && failed == 0)); then
  failed=1 # the build or a test host failed before reporting
fi

if [[ ${BPFCHANNELS_CONSUMER_CHECK:-1} == 0 ]]; then
  echo "consumer: skipped (BPFCHANNELS_CONSUMER_CHECK=0)"
  skipped=$((skipped + 1))
else
  "$root/scripts/consumer-check.sh" 2>&1 | tee "$log"
  consumer_status=${PIPESTATUS[0]}
  read -r consumer_passed consumer_failed < <(sed -n 's/^consumer: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | tail -1)
  passed=$((passed + ${consumer_passed:-0}))
  failed=$((failed + ${consumer_failed:-0}))
  if ((consumer_status != 0 && ${consumer_failed:-0} == 0)); then
    failed=$((failed + 1)) # the check stopped before reporting
  fi
  status=$((status != 0 || consumer_status != 0))
fi

# The docs site counts as one more test: scripts/docs.sh fails on any docfx warning or a missing XML doc.
if "$root/scripts/docs.sh" >"$docs_log" 2>&1; then passed=$((passed + 1)); echo "docs: the site builds with no warnings"; else failed=$((failed + 1)); tail -40 "$docs_log"; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $((status != 0 || failed != 0))
