#!/usr/bin/env bash
# Floods `experiment reports` from a bounded loopback client: REQUESTS requests (default
# 100000) over 16 keep-alive connections, a mix of pages, a 256 KiB plot and refusals, checking
# every answer, the server's resident memory against its size after a warm-up, and its open
# file descriptors afterwards. The test suite runs the same test with 10,000 requests. Prints the
# rate and the memory figures; exits non-zero when an answer was wrong or the server grew.
#
#   scripts/bench_server.sh [REQUESTS]
# Environment: CF_BUILD_DIR (default: build), built by scripts/setup.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}
requests=${1:-100000}
[[ $requests =~ ^[0-9]+$ && $requests -gt 0 ]] || { echo "usage: $0 [REQUESTS]" >&2; exit 2; }

cmake --build "$build_dir" -j "$(nproc)" --target cf_server_flood_tests experiment
CF_FLOOD_REQUESTS=$requests "$build_dir/tests/cf_server_flood_tests" --gtest_filter='ReportServerFlood.*'
