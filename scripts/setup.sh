#!/usr/bin/env bash
# Installs the Debian packages Osprey needs to build, test and benchmark.
# Idempotent and quiet when everything is present; works as root on a fresh
# Debian 12 (uses sudo when not root and sudo exists).
set -euo pipefail

PACKAGES=(
  # build
  g++ clang cmake ninja-build make pkg-config python3
  libjemalloc-dev liblzf-dev liblua5.1-0-dev libssl-dev
  # tests
  libgtest-dev googletest libbenchmark-dev libclang-rt-14-dev
  python3-pytest python3-redis
  # the reference server and its tools (differential tests, benchmarks)
  redis-server redis-tools
  # benchmarks
  util-linux procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: missing packages (${missing[*]}) and not root; install them and retry" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian redis-server package starts a service on port 6379 where an init
# system runs; Osprey's tests never use that port, so it is left alone.
