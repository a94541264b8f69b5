#!/usr/bin/env bash
# Builds everything (installing system packages first) and runs the whole test suite.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
