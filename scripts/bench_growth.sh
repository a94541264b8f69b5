#!/usr/bin/env bash
# Cost growth: the five-stage chain plus an aggregate (as in bench_chain.sh) at 1,000 and
# 10,000 sets, cold and fully cached, timed by hyperfine (median). Records the per-set cost at
# each size and the ratio of the two: a run that grows linearly costs the same per set at
# both sizes (target: the 10,000-set run costs at most 1.3x per set what the 1,000-set run
# does). Also the peak memory of the largest cached run.
#
#   scripts/bench_growth.sh [SMALL LARGE]      # default 1000 10000 (quick mode: 10 50)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

if [[ $# -eq 2 ]]; then
  small=$1 large=$2
elif [[ $# -eq 0 ]]; then
  if bench_quick; then small=10 large=50; else small=1000 large=10000; fi
else
  echo "usage: scripts/bench_growth.sh [SMALL LARGE]" >&2
  exit 2
fi
readonly TARGET_RATIO=1.3
bench_build
bench_need_hyperfine
experiment_bin=$(bench_experiment)
bench_need "$experiment_bin" "$(bench_dag_plugin)"
bench_scratch project
bench_chain_project "$project" "$small" "$large"
cd "$project"

readonly GROUP="Cost growth: per-set cost at $small and $large sets"
readonly CLEAN="rm -rf data logs reports"
runs=3
if bench_quick; then runs=1; fi

declare -A per_set
for n in "$small" "$large"; do
  run=("$experiment_bin" dag_experiment -p "sets_$n")
  $CLEAN
  bench_expect_summary "$((5 * n + 1)) stage calls executed" "$("${run[@]}" 2>&1)"
  bench_hyperfine cold.json "$runs" --prepare "$CLEAN" -- "${run[@]}" --quiet
  bench_record --id "growth.$n.cold" --group "$GROUP" --title "cold run, $n sets" --unit s --hyperfine cold.json
  bench_record --id "growth.$n.cold.per_set" --group "$GROUP" --title "cold run per set, $n sets" --unit ms \
    --hyperfine cold.json --scale "$(awk -v n="$n" 'BEGIN { print 1000 / n }')"
  per_set[$n.cold]=$("$bench_python" "$bench_repo/scripts/bench_results.py" median cold.json --scale "$((1000000 / n))")

  bench_expect_summary "0 stage calls executed, $((n + 1)) loaded from cache" "$("${run[@]}" 2>&1)"
  bench_hyperfine cached.json "$runs" -- "${run[@]}" --quiet
  bench_record --id "growth.$n.cached.per_set" --group "$GROUP" --title "cached re-run per set, $n sets" --unit ms \
    --hyperfine cached.json --scale "$(awk -v n="$n" 'BEGIN { print 1000 / n }')"
  per_set[$n.cached]=$("$bench_python" "$bench_repo/scripts/bench_results.py" median cached.json --scale "$((1000000 / n))")
done

peak=$(bench_peak_kib 1 "" -- "${run[@]}" --quiet)
bench_record --id "growth.$large.cached.peak" --group "$GROUP" --title "cached re-run peak memory, $large sets" \
  --unit MB --value "$peak" --scale 0.001024 --runs 1
for kind in cold cached; do
  ratio=$(awk -v a="${per_set[$small.$kind]}" -v b="${per_set[$large.$kind]}" 'BEGIN { printf "%.4f", b / a }')
  bench_record --id "growth.$kind.ratio" --group "$GROUP" --unit x \
    --title "$kind per-set cost at $large sets over that at $small (1 = linear)" \
    --value "$ratio" --target "$TARGET_RATIO" --op "<="
done
bench_finish
