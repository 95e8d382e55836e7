#!/usr/bin/env bash
# Tests the packages as a user meets them. Packs every package into a folder feed, then, in a fresh
# directory outside the repository, builds and runs the projects of tests/consumer/ against that feed:
#   app       references only BpfChannels.Hosting (added with the README's dotnet add package command): a
#             <BpfProgram> the libbpf way (CO-RE), run against the kernel
#   twin      references only BpfChannels (dotnet add package): the in-memory twin builds with warnings as errors (no CA1416) and runs
#   twinhost  the hosting layer over the twin, likewise with no CA1416
#   offlinux  calls the kernel API without a Linux guard: its build must fail with CA1416
#   tool      installs BpfChannels.Tool from the feed with `dotnet tool install --prerelease --tool-path`
#             and runs bpfchan --version
# The consumers' NuGet configuration adds the folder feed to the machine's own sources and names no other.
# Prints one line per check and, last, "consumer: N passed, N failed". Exit status 0 only if all passed.
#   ./scripts/consumer-check.sh [--keep]     --keep leaves the work directory for inspection
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[[ ${1:-} == --keep ]] && keep=1

work=$(mktemp -d "${TMPDIR:-/tmp}/bpfchannels-consumer.XXXXXX")
if ((keep)); then
  echo "consumer: work directory $work"
else
  trap 'rm -rf "$work"' EXIT
fi
feed=$work/feed
log=$work/log
mkdir -p "$feed" "$log"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "consumer: PASS $*"; }
fail() { failed=$((failed + 1)); echo "consumer: FAIL $*"; }
show() { sed 's/^/    /' "$1" | grep -E 'error|FAIL|consumer|Unhandled|Exception' | head -40; }
finish() {
  echo "consumer: took $((SECONDS - ${started:-0})) s"
  echo "consumer: $passed passed, $failed failed"
  exit $((failed != 0))
}

# Packages, from the same Release build as the suite (under CI, BPFCHANNELS_CI=1 makes it deterministic).
started=$SECONDS
version=$(cd "$root" && dotnet msbuild src/BpfChannels/BpfChannels.csproj -getProperty:Version -nologo 2>/dev/null | tr -d '[:space:]')
packages=(src/BpfChannels/BpfChannels.csproj src/BpfChannels.Hosting/BpfChannels.Hosting.csproj src/BpfChannels.Tool/BpfChannels.Tool.csproj)
packed=1
for project in "${packages[@]}"; do
  if ! (cd "$root" && dotnet pack "$project" -c Release -o "$feed" -nologo) >"$log/pack.log" 2>&1; then
    fail "pack $project"; show "$log/pack.log"; packed=0
  fi
done
if ((!packed)); then
  finish
fi

# unzip -l of each package: license, readme, XML docs; the build item in buildTransitive/ of BpfChannels.
for nupkg in "$feed"/*.nupkg; do
  name=$(basename "$nupkg" ".$version.nupkg")
  listing=$(unzip -l "$nupkg")
  missing=()
  for entry in LICENSE README.md; do
    grep -q " $entry\$" <<<"$listing" || missing+=("$entry")
  done
  grep -qE ' (lib|tools)/net10\.0/.*\.xml$' <<<"$listing" || missing+=("XML docs")
  if [[ $name == BpfChannels ]]; then
    for entry in buildTransitive/BpfChannels.targets include/bpfchannels.h; do
      grep -q " $entry\$" <<<"$listing" || missing+=("$entry")
    done
  fi
  if ((${#missing[@]})); then
    fail "package $name lacks ${missing[*]}"
  else
    pass "package $name $version has $(grep -cE '^ +[0-9]+ ' <<<"$listing") files: license, readme, XML docs$([[ $name == BpfChannels ]] && echo ', buildTransitive/BpfChannels.targets')"
  fi
done

# The consumers, outside the repository: the machine's sources plus the folder feed; a packages folder
# of their own (the machine's as a read-only fallback), so a rebuilt package of the same version is used.
cp -r "$root/tests/consumer/." "$work/"
cat >"$work/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="bpfchannels-feed" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" />
  </fallbackPackageFolders>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
</configuration>
EOF

build() { # project directory, log name
  (cd "$work/$1" && dotnet build -c Release -p:BpfChannelsVersion="$version" -nologo) >>"$log/$2.log" 2>&1
}

add_package() { # project directory, package: the README's install command, then the version it chose
  (cd "$work/$1" && dotnet add package "$2" --prerelease) >"$log/$1.log" 2>&1 &&
    grep -q "Include=\"$2\" Version=\"$version\"" "$work/$1"/*.csproj
}

if ! add_package app BpfChannels.Hosting; then
  fail "app: dotnet add package BpfChannels.Hosting --prerelease did not add $version from the feed"; show "$log/app.log"
elif build app app; then
  if [[ ! -f $work/app/obj/Release/net10.0/bpf/vmlinux/vmlinux.h ]]; then
    fail "app: no vmlinux.h was generated under obj/"
  elif ls "$work/app/bin/Release/net10.0/"*.bpf.o >/dev/null 2>&1; then
    fail "app: the embedded parents.bpf.o was also copied to the output"
  elif [[ -n $(find "$work/app" -maxdepth 1 -name '*.o') ]]; then
    fail "app: an object was written beside the sources"
  elif out=$(cd "$work/app" && dotnet bin/Release/net10.0/Consumer.App.dll 2>&1); then
    pass "app (BpfChannels.Hosting only, libbpf way, CO-RE, kernel): ${out##*consumer app: }"
  else
    fail "app run"; echo "$out" | sed 's/^/    /' | head -20
  fi
else
  fail "app build (BpfChannels.Hosting only, Vmlinux=\"true\")"; show "$log/app.log"
fi

if ! add_package twin BpfChannels; then
  fail "twin: dotnet add package BpfChannels --prerelease did not add $version from the feed"; show "$log/twin.log"
elif build twin twin; then
  if grep -q 'CA1416' "$log/twin.log"; then
    fail "twin: CA1416 reported for twin-only code"; show "$log/twin.log"
  elif out=$(cd "$work/twin" && dotnet bin/Release/net10.0/Consumer.Twin.dll 2>&1); then
    pass "twin (BpfChannels only, warnings as errors, no CA1416): ${out##*consumer twin: }"
  else
    fail "twin run"; echo "$out" | sed 's/^/    /' | head -20
  fi
else
  fail "twin build (BpfChannels only, warnings as errors)"; show "$log/twin.log"
fi

if build twinhost twinhost; then
  if grep -q 'CA1416' "$log/twinhost.log"; then
    fail "twinhost: CA1416 reported for hosting over the twin"; show "$log/twinhost.log"
  elif out=$(cd "$work/twinhost" && dotnet bin/Release/net10.0/Consumer.TwinHost.dll 2>&1); then
    pass "twinhost (hosting over the twin, warnings as errors, no CA1416): ${out##*consumer twinhost: }"
  else
    fail "twinhost run"; echo "$out" | sed 's/^/    /' | head -20
  fi
else
  fail "twinhost build (hosting over the twin, warnings as errors)"; show "$log/twinhost.log"
fi

if build offlinux offlinux; then
  fail "offlinux: an unguarded BpfMap.CreateHash call built without CA1416"
elif grep -q "error CA1416.*BpfMap.CreateHash" "$log/offlinux.log"; then
  pass "offlinux: unguarded kernel API fails the build with CA1416 ($(grep -o "'BpfMap.CreateHash[^']*' is only supported on: 'linux'" "$log/offlinux.log" | head -1))"
else
  fail "offlinux: the build failed for another reason than CA1416"; show "$log/offlinux.log"
fi

if (cd "$work" && dotnet tool install BpfChannels.Tool --prerelease --tool-path "$work/tools") >"$log/tool.log" 2>&1; then
  if out=$("$work/tools/bpfchan" --version 2>&1) && [[ $out == *"$version"* ]]; then
    pass "tool: bpfchan --version prints $out"
  else
    fail "tool: bpfchan --version printed '$out'"
  fi
else
  fail "tool install from the feed"; show "$log/tool.log"
fi

finish
