#!/usr/bin/env bash
# Speedup of `--parallel 2` over a serial run for CPU-bound stages: 8 parameter sets, each a
# stage that burns about a second of CPU (the dag_experiment plugin's "cpu" shape). Every run
# starts from an empty cache; each time is the median of RUNS runs (hyperfine). Target: at
# least 1.7x on a 2-core machine. Prints the times and PASS or FAIL; exits non-zero on FAIL
# (environment: see scripts/bench_lib.sh).
#
#   scripts/bench_parallel.sh [MILLION_STEPS_PER_SET [RUNS]]   # default 600 3 (quick: 5 1)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

readonly TARGET=1.7
steps=${1:-600} runs=${2:-3}
if bench_quick; then steps=${1:-5} runs=${2:-1}; fi
bench_build
bench_need_hyperfine
experiment_bin=$(bench_experiment)
bench_need "$experiment_bin" "$(bench_dag_plugin)"
bench_scratch project
mkdir -p "$project/experiments" "$project/params"
cp "$(bench_dag_plugin)" "$project/experiments/"
for i in 0 1 2 3 4 5 6 7; do
  printf -- '- name: s%d\n  shape: cpu\n  seed: %d\n  size: %d\n' "$i" "$i" "$steps"
done >"$project/params/sets.yaml"
cd "$project"

readonly CLEAN="rm -rf data logs reports"
run=("$experiment_bin" dag_experiment -p sets --quiet)
bench_hyperfine serial.json "$runs" --prepare "$CLEAN" -- "${run[@]}"
bench_hyperfine parallel.json "$runs" --prepare "$CLEAN" -- "${run[@]}" --parallel 2

readonly GROUP="Parallel: 8 CPU-bound sets ($steps million steps each), $(nproc) cores"
bench_record --id parallel.cpu.serial --group "$GROUP" --title "serial" --unit s --hyperfine serial.json
bench_record --id parallel.cpu.parallel2 --group "$GROUP" --title "--parallel 2" --unit s --hyperfine parallel.json
median() { "$bench_python" "$bench_repo/scripts/bench_results.py" median "$1"; }
speedup=$(awk -v s="$(median serial.json)" -v p="$(median parallel.json)" 'BEGIN { printf "%.3f", s / p }')
bench_record --id parallel.cpu.speedup --group "$GROUP" --title "--parallel 2 speedup over serial" --unit x \
  --value "$speedup" --target "$TARGET" --op ">="
bench_finish
