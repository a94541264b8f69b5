#!/usr/bin/env bash
# Peak memory of a run whose stage produces a lazy 1 GiB typed array (128 Mi doubles) that no
# later stage reads. Cold, the array must be in memory once; cached, the run must stay far
# below 1 GiB because the array never leaves the disk. The --ignore-lazy run is the control:
# it loads the array, so its peak must be at least 1 GiB. Prints PASS or FAIL per target and
# exits non-zero on FAIL.
#
#   scripts/bench_lazy.sh     # uses the developer build in build/ (scripts/setup.sh makes it)
#
# The dag_experiment test plugin reports its own peak resident set (VmHWM) as peak_rss_kib.
set -euo pipefail

readonly ELEMENTS=134217728         # 1 GiB of float64
readonly ARRAY_KIB=$((1024 * 1024))
readonly CACHED_LIMIT_KIB=$((128 * 1024))  # "well below 1 GiB": under an eighth of it

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo/build"
experiment_bin="$build_dir/bin/experiment"
plugin="$build_dir/tests/test_plugins/dag_experiment.so"
if [[ ! -x $experiment_bin || ! -f $plugin ]]; then
  echo "bench_lazy: build first (bash scripts/setup.sh): $experiment_bin or $plugin is missing" >&2
  exit 1
fi

project=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_lazy.XXXXXX")
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/experiments" "$project/params"
cp "$plugin" "$project/experiments/"
printf -- '- name: big\n  shape: lazy\n  size: %d\n' "$ELEMENTS" >"$project/params/big.yaml"

run() {
  local label=$1
  shift
  local start end out peak
  start=$(date +%s.%N)
  out=$(cd "$project" && "$experiment_bin" dag_experiment -p big "$@")
  end=$(date +%s.%N)
  peak=$(grep -o 'peak_rss_kib=[0-9]*' <<<"$out" | cut -d= -f2)
  awk -v label="$label" -v peak="$peak" -v start="$start" -v end="$end" \
    'BEGIN { printf "%-28s peak RSS %8d KiB (%6.1f MiB)  wall %6.2f s\n", label, peak, peak / 1024, end - start }' >&2
  echo "$peak"
}

cold=$(run "cold (produces the array)")
cached=$(run "cached, lazy, not read")
control=$(run "cached, --ignore-lazy" --ignore-lazy)

status=0
check() {
  local name=$1 ok=$2 detail=$3
  if [[ $ok == 1 ]]; then echo "PASS $name: $detail"; else echo "FAIL $name: $detail"; status=1; fi
}
check "cold run holds the array" "$((cold >= ARRAY_KIB))" "$cold KiB >= $ARRAY_KIB KiB"
check "cached lazy run stays small" "$((cached < CACHED_LIMIT_KIB))" "$cached KiB < $CACHED_LIMIT_KIB KiB"
check "control loads the array" "$((control >= ARRAY_KIB))" "$control KiB >= $ARRAY_KIB KiB"
exit $status
