#!/usr/bin/env bash
# Time from `sbatch` to the final report for `--slurm`: 8 parameter sets over a 4-task job array on
# a real single-node Slurm started for the purpose (scripts/slurm_local.sh; needs root and
# slurm-wlm). Each trial starts from an empty cache. Prints, per trial and as medians, the whole
# command's wall time and the span between the log's "submitting" line and its "report:" line,
# which covers scheduling, the tasks, collecting their states and the final run here.
#
#   scripts/bench_slurm.sh [TRIALS] [MILLION_STEPS_PER_SET]   # uses the developer build in build/
set -euo pipefail

trials=${1:-5}
steps=${2:-1}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
experiment_bin="$repo/build/bin/experiment"
plugin="$repo/build/tests/test_plugins/dag_experiment.so"
if [[ ! -x $experiment_bin || ! -f $plugin ]]; then
  echo "bench_slurm: build first (bash scripts/setup.sh)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_slurm.XXXXXX")
chmod 755 "$work"  # munged wants every folder above its socket traversable by all
cleanup() {
  "$repo/scripts/slurm_local_stop.sh" "$work/slurm" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
eval "$("$repo/scripts/slurm_local.sh" "$work/slurm" | tail -n 1)"

project=$work/project
mkdir -p "$project/experiments" "$project/params"
cp "$plugin" "$project/experiments/"
for i in 0 1 2 3 4 5 6 7; do
  printf -- '- name: s%d\n  shape: cpu\n  seed: %d\n  size: %d\n' "$i" "$i" "$steps"
done >"$project/params/sets.yaml"

# Seconds since midnight of a log line's "YYYY-MM-DD HH:MM:SS.mmm" stamp.
stamp_seconds() {
  awk '{ split($2, t, ":"); printf "%.3f", t[1] * 3600 + t[2] * 60 + t[3] }' <<<"$1"
}

walls=()
spans=()
for trial in $(seq "$trials"); do
  rm -rf "$project/data" "$project/logs" "$project/reports"
  start=$(date +%s.%N)
  (cd "$project" && "$experiment_bin" dag_experiment -p sets --slurm --parallel 4 --quiet)
  end=$(date +%s.%N)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  log=$(ls "$project"/logs/dag_experiment_*.log | grep -v -- '_[0-9]*-[0-9]*\.log$' | head -n 1)
  submitted=$(stamp_seconds "$(grep -m1 'submitting 4 Slurm array tasks' "$log")")
  reported=$(stamp_seconds "$(grep -m1 '\] report: ' "$log")")
  span=$(awk -v a="$submitted" -v b="$reported" 'BEGIN { printf "%.3f", b - a }')
  echo "trial $trial: whole command ${wall} s, sbatch to report ${span} s"
  walls+=("$wall")
  spans+=("$span")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median over $trials trials: whole command $(median "${walls[@]}") s, sbatch to report $(median "${spans[@]}") s"
