#!/usr/bin/env bash
# Times the whole `experiment ls` process (start-up, config, scanning, ELF reads, output) on a
# project of 200 plugins and a few YAML files, and checks the median against the 50 ms target.
# Prints PASS or FAIL and exits non-zero on FAIL (environment: see scripts/bench_lib.sh).
#
#   scripts/bench_ls.sh            # builds build-release/ next to the sources, then measures
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

readonly TARGET_MS=50
warmup=3 runs=30
if bench_quick; then warmup=0 runs=1; fi

bench_build
bench_need_hyperfine
experiment_bin=$(bench_experiment)
# The example plugins, wherever this build put them.
example_root="$BENCH_BUILD/plugins"
if grep -q '^CURIFACTORY_EXAMPLE_PLUGINS_IN_PROJECT:BOOL=ON' "$BENCH_BUILD/CMakeCache.txt"; then
  example_root="$bench_repo/plugins"
fi
experiment_plugin="$example_root/experiments/regression.so"
params_plugin="$example_root/params/noise_sweep.so"
bench_need "$experiment_bin" "$experiment_plugin" "$params_plugin"

bench_scratch project

# 120 experiments (each also lists under PARAMS) and 80 params plugins, a quarter of each in
# subfolders one and two levels deep, so the recursive scan and dotted names are exercised too.
cat >"$project/curifactory_config.json" <<'JSON'
{
  "experiments_module_name": "experiments",
  "params_module_name": "params"
}
JSON
# copy_plugin SOURCE COUNT FOLDER PREFIX [BUCKETS]: COUNT copies named PREFIX_NN.so in FOLDER,
# or spread over FOLDER_0 .. FOLDER_<BUCKETS-1> when BUCKETS is given.
copy_plugin() {
  local source=$1 count=$2 folder=$3 prefix=$4 buckets=${5:-0} i target
  for i in $(seq -w 1 "$count"); do
    target="$project/$folder"
    if ((buckets > 0)); then target+="_$((10#$i % buckets))"; fi
    mkdir -p "$target"
    cp "$source" "$target/${prefix}_$i.so"
  done
}
copy_plugin "$experiment_plugin" 80 experiments exp
copy_plugin "$experiment_plugin" 20 experiments/group exp 4
copy_plugin "$experiment_plugin" 20 experiments/nested/level exp 2
copy_plugin "$params_plugin" 60 params sweep
copy_plugin "$params_plugin" 20 params/family sweep 2
experiments=$(find "$project/experiments" -name '*.so' | wc -l)
params=$(find "$project/params" -name '*.so' | wc -l)
yaml_files=0
for name in small_grid large_grid noise/low noise/high seeds; do
  mkdir -p "$(dirname "$project/params/$name.yaml")"
  cat >"$project/params/$name.yaml" <<'YAML'
# Hand-written parameter sets for the benchmark
# spread over two comment lines
- name: first
  samples: 40
  model: ridge
- name: second
  samples: 80
  model: knn
  k: 3
YAML
  yaml_files=$((yaml_files + 1))
done
readonly plugins=$((experiments + params))

# Timing a listing full of errors would measure the wrong path, so check it first: one row per
# experiment under EXPERIMENTS, and each experiment, params plugin and YAML file under PARAMS
# (the CACHERS section after them lists the installed cachers).
listing=$(cd "$project" && "$experiment_bin" ls)
rows=$(sed '/^CACHERS:/,$d' <<<"$listing" | grep -c $'^\t' || true)
expected_rows=$((2 * experiments + params + yaml_files))
if [[ $rows -ne $expected_rows ]] || grep -q -e '\[ERROR' -e '\[WARNING' <<<"$listing"; then
  echo "bench_ls: unexpected listing ($rows rows, expected $expected_rows):" >&2
  echo "$listing" >&2
  exit 2
fi

results="$project/hyperfine.json"
(cd "$project" && bench_hyperfine "$results" "$runs" --warmup "$warmup" -- "$experiment_bin" ls)
bench_record --id ls.200 --group "Listing" --unit ms --hyperfine "$results" --scale 1000 \
  --title "experiment ls over $plugins plugins and $yaml_files YAML files" --target "$TARGET_MS" --op "<"
bench_finish
