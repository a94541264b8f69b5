#!/usr/bin/env bash
# Builds everything (installing system packages first) and runs the whole test suite.
#
#   scripts/test.sh              # build/ (or $CF_BUILD_DIR), the ordinary build
#   scripts/test.sh --sanitize   # build-asan/: everything built with AddressSanitizer and
#                                # UndefinedBehaviorSanitizer (CURIFACTORY_SANITIZE), the suite
#                                # run with any report fatal
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}

case "${1:-}" in
  "")
    "$root/scripts/setup.sh"
    ;;
  --sanitize)
    build_dir=${CF_BUILD_DIR:-$root/build-asan}
    export CF_BUILD_DIR=$build_dir
    # Exported before the build too: gtest_discover_tests runs the test programs while building.
    # Children (the experiment binary, parallel children) inherit them. The tests of crashing
    # stages need SIGSEGV, SIGBUS and SIGFPE to end the child as they would unsanitized, so ASan
    # leaves those signals alone (a stray crash still fails its test, with a core-style exit).
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/scripts/lsan_suppressions.txt:print_suppressions=0}
    "$root/scripts/setup.sh" -DCURIFACTORY_SANITIZE=ON
    ;;
  *)
    echo "usage: $0 [--sanitize]" >&2
    exit 2
    ;;
esac
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
