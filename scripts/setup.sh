#!/usr/bin/env bash
# Prepares a fresh Linux machine for BpfChannels: installs what is missing (idempotently) and mounts the
# kernel file systems BPF needs. Safe to run repeatedly. Needs root for apt and mount.
set -euo pipefail

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
[[ -f /usr/include/bpf/libbpf.h ]] || need+=(libbpf-dev)
ldconfig -p 2>/dev/null | grep -q 'libbpf.so.1 ' || need+=(libbpf1)
command -v clang-14 >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 || need+=(clang-14)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[[ -f /usr/include/linux/bpf.h ]] || need+=(linux-libc-dev)
# sys/sdt.h: the USDT probe tests build a small C program with STAP_PROBE notes.
[[ -f /usr/include/sys/sdt.h || -f /usr/include/$(gcc -print-multiarch 2>/dev/null)/sys/sdt.h ]] || need+=(systemtap-sdt-dev)
if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 1
fi

mountpoint -q /sys/fs/bpf 2>/dev/null || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing 2>/dev/null || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
# Ring buffers and large maps are charged to memlock on older kernels.
ulimit -l unlimited 2>/dev/null || true
