#!/usr/bin/env bash
# Per-stage overhead of a cache hit, in-process (Google Benchmark, bench/stage_hit_overhead.cpp):
# the five-stage chain plus an aggregate over SETS fully cached sets, run through the engine's
# passes without process start-up. Records microseconds per stage call for the default DAG mode
# (leaves load, the rest is skipped) and for --no-dag (every stage call verifies and loads its
# outputs: the cost of one cache hit). No target: the whole-process targets of bench_chain.sh
# bound it (a 1000 x 5 cached re-run under 1 s leaves under 200 us per stage call).
#
#   scripts/bench_stage_hit.sh [SETS]      # default 1000 (quick mode: 20)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

sets=${1:-1000}
repetitions=5
if bench_quick; then sets=${1:-20} repetitions=1; fi
bench_build
program="$BENCH_BUILD/bin/cf_bench_stage_hit"
bench_need "$program" "$(bench_dag_plugin)"
bench_scratch scratch

options=(--benchmark_out="$scratch/gbench.json" --benchmark_out_format=json)
if bench_quick; then
  options+=(--benchmark_min_time=0.01)
else
  options+=(--benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true)
fi
"$program" --plugin "$(bench_dag_plugin)" --sets "$sets" --folder "$scratch" "${options[@]}" >&2

readonly GROUP="Cache hits: per stage call, in-process (Google Benchmark)"
for mode in dag no_dag; do
  seconds=$("$bench_python" "$bench_repo/scripts/bench_results.py" gbench "$scratch/gbench.json" \
    "cached_rerun/$mode/real_time" per_stage_call)
  case $mode in
    dag) title="cached re-run, DAG mode (leaves load, the rest is skipped), $sets sets" ;;
    no_dag) title="cache hit with --no-dag (checksum verified, loaded), $sets sets" ;;
  esac
  bench_record --id "stage_hit.$mode" --group "$GROUP" --title "$title" --unit us --value "$seconds" \
    --scale 1000000 --runs "$repetitions"
done
bench_finish
