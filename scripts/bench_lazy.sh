#!/usr/bin/env bash
# Peak memory of a run whose stage produces a lazy 1 GiB typed array (128 Mi doubles) that no
# later stage reads. Cold, the array must be in memory once; cached, the run must stay far
# below 1 GiB because the array never leaves the disk. The --ignore-lazy run is the control:
# it loads the array, so its peak must be at least 1 GiB. Each figure is the median of RUNS
# runs. Prints PASS or FAIL per target and exits non-zero on FAIL (environment: see
# scripts/bench_lib.sh).
#
#   scripts/bench_lazy.sh [ELEMENTS [RUNS]]     # default 134217728 3 (quick mode: 1 Mi, 1)
#
# The dag_experiment plugin reports its own peak resident set (VmHWM) as peak_rss_kib.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

elements=${1:-134217728} runs=${2:-3}  # 1 GiB of float64
if bench_quick; then elements=${1:-1048576} runs=${2:-1}; fi
readonly ARRAY_MIB=$((elements * 8 / 1048576))
readonly CACHED_LIMIT_MIB=128  # "well below 1 GiB": under an eighth of it

bench_build
experiment_bin=$(bench_experiment)
bench_need "$experiment_bin" "$(bench_dag_plugin)"
bench_scratch project
mkdir -p "$project/experiments" "$project/params"
cp "$(bench_dag_plugin)" "$project/experiments/"
printf -- '- name: big\n  shape: lazy\n  size: %d\n' "$elements" >"$project/params/big.yaml"
cd "$project"

# peak_mib PREPARE [FLAGS...]: the median of the peaks the stage reports, over RUNS runs.
peak_mib() {
  local prepare=$1 i out
  shift
  for ((i = 0; i < runs; ++i)); do
    [[ -z $prepare ]] || $prepare
    out=$("$experiment_bin" dag_experiment -p big "$@")
    grep -o 'peak_rss_kib=[0-9]*' <<<"$out" | cut -d= -f2
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1024 }'
}

readonly GROUP="Lazy artifacts: peak memory with a $ARRAY_MIB MiB lazy array"
cold=$(peak_mib "rm -rf data logs reports")
cached=$(peak_mib "")
control=$(peak_mib "" --ignore-lazy)
bench_record --id lazy.cold.peak --group "$GROUP" --unit MiB --value "$cold" --runs "$runs" \
  --title "cold run (produces the array): holds it once" --target "$ARRAY_MIB" --op ">="
bench_record --id lazy.cached.peak --group "$GROUP" --unit MiB --value "$cached" --runs "$runs" \
  --title "cached, lazy, not read: stays small" --target "$CACHED_LIMIT_MIB" --op "<"
bench_record --id lazy.ignore_lazy.peak --group "$GROUP" --unit MiB --value "$control" --runs "$runs" \
  --title "cached with --ignore-lazy (control): loads the array" --target "$ARRAY_MIB" --op ">="
bench_finish
