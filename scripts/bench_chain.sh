#!/usr/bin/env bash
# Orchestration cost, as whole `experiment` processes: N parameter sets through a five-stage
# chain plus an aggregate (dag_experiment's "long" shape: tiny compute, every output cached
# with raw). Per N, timed by hyperfine (median): --dry on an empty cache (every stage runs,
# nothing is written), a cold run, a fully cached re-run, --map over the full cache, and a
# cold --parallel 2 run; and the peak memory of the cold and cached runs (GNU time, which
# counts the supervised run child). Targets at N = 1000: cold < 3 s, cached < 1 s and
# < 300 MB, --map < 0.5 s.
#
#   scripts/bench_chain.sh [N...]      # default 10 100 1000 (quick mode: 10)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then
  if bench_quick; then sizes=(10); else sizes=(10 100 1000); fi
fi
bench_build
bench_need_hyperfine
experiment_bin=$(bench_experiment)
bench_need "$experiment_bin" "$(bench_dag_plugin)"
bench_scratch project
bench_chain_project "$project" "${sizes[@]}"
cd "$project"

readonly GROUP="Orchestration: N sets x 5 stages + aggregate (whole process)"
readonly CLEAN="rm -rf data logs reports"
runs=10 memory_runs=3
if bench_quick; then runs=1 memory_runs=1; fi
# at_1000 LIMIT: the options of a "< LIMIT" target, for the N = 1000 figures only.
at_1000() { if [[ $n -eq 1000 ]]; then echo "--target $1 --op <"; fi; }

for n in "${sizes[@]}"; do
  run=("$experiment_bin" dag_experiment -p "sets_$n")
  calls=$((5 * n + 1))

  # Every case checks once, untimed, that the run does what it is said to measure.
  $CLEAN
  bench_expect_summary "$calls stage calls executed" "$("${run[@]}" --dry 2>&1)"
  bench_hyperfine dry.json "$runs" -- "${run[@]}" --dry --quiet
  bench_record --id "chain.$n.dry" --group "$GROUP" --title "--dry, $n sets (empty cache: all stages run, nothing written)" \
    --unit s --hyperfine dry.json

  bench_expect_summary "$calls stage calls executed" "$("${run[@]}" 2>&1)"
  cold_runs=$runs
  if [[ $n -ge 1000 ]] && ! bench_quick; then cold_runs=5; fi
  bench_hyperfine cold.json "$cold_runs" --prepare "$CLEAN" -- "${run[@]}" --quiet
  # shellcheck disable=SC2046  # the target is several words or none
  bench_record --id "chain.$n.cold" --group "$GROUP" --title "cold run, $n sets" --unit s \
    --hyperfine cold.json $(at_1000 3)
  cold_peak=$(bench_peak_kib "$memory_runs" "$CLEAN" -- "${run[@]}" --quiet)
  bench_record --id "chain.$n.cold.peak" --group "$GROUP" --title "cold run peak memory, $n sets" --unit MB \
    --value "$cold_peak" --scale 0.001024 --runs "$memory_runs"

  bench_expect_summary "0 stage calls executed, $((n + 1)) loaded from cache" "$("${run[@]}" 2>&1)"
  bench_hyperfine cached.json "$runs" -- "${run[@]}" --quiet
  # shellcheck disable=SC2046
  bench_record --id "chain.$n.cached" --group "$GROUP" --title "fully cached re-run, $n sets" --unit s \
    --hyperfine cached.json $(at_1000 1)
  cached_peak=$(bench_peak_kib "$memory_runs" "" -- "${run[@]}" --quiet)
  # shellcheck disable=SC2046
  bench_record --id "chain.$n.cached.peak" --group "$GROUP" --title "fully cached re-run peak memory, $n sets" \
    --unit MB --value "$cached_peak" --scale 0.001024 --runs "$memory_runs" $(at_1000 300)

  map_output=$("${run[@]}" --map)
  if ! grep -q "^0 of $calls stage calls would execute" <<<"$map_output"; then
    echo "bench_chain: --map does not find every stage cached" >&2
    exit 2
  fi
  bench_hyperfine map.json "$runs" -- "${run[@]}" --map
  # shellcheck disable=SC2046
  bench_record --id "chain.$n.map" --group "$GROUP" --title "--map over the full cache, $n sets" --unit s \
    --hyperfine map.json $(at_1000 0.5)

  $CLEAN
  bench_expect_summary "" "$("${run[@]}" --parallel 2 2>&1)"
  bench_hyperfine parallel.json "$cold_runs" --prepare "$CLEAN" -- "${run[@]}" --parallel 2 --quiet
  bench_record --id "chain.$n.parallel2" --group "$GROUP" --title "cold run with --parallel 2, $n sets" --unit s \
    --hyperfine parallel.json
done
bench_finish
