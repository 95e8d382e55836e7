#!/usr/bin/env bash
# Prepares a Linux machine for BpfChannels: installs what is missing (idempotently) and mounts the kernel
# file systems BPF needs. Safe to run repeatedly. Root is needed only for what is missing: as root it
# installs and mounts directly; as another user through sudo when it is installed, else it says what to run.
set -euo pipefail

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: '$*' needs root: run this as root, or install sudo" >&2
    return 1
  fi
}

need=()
command -v bpftool >/dev/null 2>&1 || [[ -x /usr/sbin/bpftool ]] || need+=(bpftool)
[[ -f /usr/include/bpf/libbpf.h ]] || need+=(libbpf-dev)
/sbin/ldconfig -p 2>/dev/null | grep -q 'libbpf.so.1 ' || need+=(libbpf1)
# (grep without -q: with pipefail, grep -q leaving early would fail the pipeline through compgen's SIGPIPE)
compgen -c clang | grep -E '^clang(-[0-9]+)?$' >/dev/null || need+=(clang)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
# libc.a: bpfchan's Native AOT build links glibc statically (src/BpfChannels.Tool/AotStartup.props).
compgen -G '/usr/lib/*/libc.a' >/dev/null || need+=(libc6-dev)
[[ -f /usr/include/linux/bpf.h ]] || need+=(linux-libc-dev)
# sys/sdt.h: the USDT probe tests build a small C program with STAP_PROBE notes.
[[ -f /usr/include/sys/sdt.h || -f /usr/include/$(gcc -print-multiarch 2>/dev/null)/sys/sdt.h ]] || need+=(systemtap-sdt-dev)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The KernelDashboard browser test drives the distribution's headless Chromium (no browser download of its own).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "setup: installing chromium (for the browser test)" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 1
fi

mountpoint -q /sys/fs/bpf 2>/dev/null || as_root mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing 2>/dev/null || as_root mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
# Ring buffers and large maps are charged to memlock on older kernels.
ulimit -l unlimited 2>/dev/null || true
