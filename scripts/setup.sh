#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need (only the missing ones; silent when
# all are present), then configures and builds. Usage: scripts/setup.sh [extra cmake -D args]
# Environment: CF_BUILD_DIR (default: build), CF_BUILD_TYPE (default: RelWithDebInfo).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}
build_type=${CF_BUILD_TYPE:-RelWithDebInfo}

packages=(
  build-essential cmake ninja-build pkg-config git binutils
  libboost-dev libboost-filesystem-dev libboost-system-dev
  libyaml-cpp-dev rapidjson-dev libcli11-dev libspdlog-dev libfmt-dev
  libzstd-dev libcpp-httplib-dev libsqlite3-dev libmsgpack-cxx-dev libgraphviz-dev
  libxxhash-dev libssl-dev libgit2-dev python3-dev libpython3-dev python3-numpy python3-msgpack
  zstd
  libgtest-dev libgmock-dev libbenchmark-dev
  hyperfine time
  chromium
  slurm-wlm munge iproute2
  zsh  # the completion test runs the zsh script
)

source "$root/scripts/install_packages.sh"
install_missing_packages setup "${packages[@]}"

if [ ! -f "$build_dir/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)"
