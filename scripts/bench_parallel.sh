#!/usr/bin/env bash
# Speedup of `--parallel 2` over a serial run for CPU-bound stages: 8 parameter sets, each a
# stage that burns about a second of CPU (the dag_experiment test plugin's "cpu" shape). Each
# run starts from an empty cache. Target: at least 1.7x on a 2-core machine. Prints the times
# and PASS or FAIL; exits non-zero on FAIL.
#
#   scripts/bench_parallel.sh [MILLION_STEPS_PER_SET]   # uses the developer build in build/
set -euo pipefail

readonly TARGET=1.7
steps=${1:-600}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
experiment_bin="$repo/build/bin/experiment"
plugin="$repo/build/tests/test_plugins/dag_experiment.so"
if [[ ! -x $experiment_bin || ! -f $plugin ]]; then
  echo "bench_parallel: build first (bash scripts/setup.sh)" >&2
  exit 1
fi

project=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_parallel.XXXXXX")
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/experiments" "$project/params"
cp "$plugin" "$project/experiments/"
for i in 0 1 2 3 4 5 6 7; do
  printf -- '- name: s%d\n  shape: cpu\n  seed: %d\n  size: %d\n' "$i" "$i" "$steps"
done >"$project/params/sets.yaml"

timed() {
  rm -rf "$project/data" "$project/logs" "$project/reports"
  local start end
  start=$(date +%s.%N)
  (cd "$project" && "$experiment_bin" dag_experiment -p sets --quiet "$@")
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

serial=$(timed)
parallel=$(timed --parallel 2)
speedup=$(awk -v s="$serial" -v p="$parallel" 'BEGIN { printf "%.2f", s / p }')
echo "serial ${serial} s, --parallel 2 ${parallel} s, speedup ${speedup}x ($(nproc) cores)"
if awk -v x="$speedup" -v t="$TARGET" 'BEGIN { exit !(x >= t) }'; then
  echo "PASS --parallel 2 speedup ${speedup}x >= ${TARGET}x"
else
  echo "FAIL --parallel 2 speedup ${speedup}x < ${TARGET}x"
  exit 1
fi
