#!/usr/bin/env bash
# The long kill test: SIGKILL an experiment at seeded random moments and check the cache, the
# store and a rerun after each kill (tests/reliability/kill_test.cpp; the suite runs 8 trials).
#
#   scripts/kill_test.sh [TRIALS] [SEED] [MAX_SECONDS]   # default 150 trials, seed 1, 1800 s
# Uses the developer build in build/ (bash scripts/setup.sh builds it).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary="$repo/build/tests/cf_reliability_tests"
if [[ ! -x $binary ]]; then
  echo "kill_test: build first (bash scripts/setup.sh)" >&2
  exit 1
fi
CF_KILL_TRIALS=${1:-150} CF_KILL_SEED=${2:-1} CF_KILL_SECONDS=${3:-1800} CF_KILL_LARGE=3000000 \
  exec "$binary" --gtest_filter='KillTest.*'
