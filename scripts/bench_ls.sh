#!/usr/bin/env bash
# Times the whole `experiment ls` process (start-up, config, scanning, ELF reads, output) on a
# project of 200 plugins and a few YAML files, and checks the median against the 50 ms target.
# Prints PASS or FAIL and exits non-zero on FAIL, so it can gate CI.
#
#   scripts/bench_ls.sh            # builds build-release/ next to the sources, then measures
set -euo pipefail

readonly TARGET_MS=50
readonly WARMUP=3
readonly RUNS=30

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo/build-release"

# A build of its own: the developer build is RelWithDebInfo with tests, which is not what users
# run, and the example plugins must not be written into the source tree's plugins/.
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S "$repo" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCURIFACTORY_BUILD_TESTS=OFF -DCURIFACTORY_EXAMPLE_PLUGINS_IN_PROJECT=OFF >/dev/null
cmake --build "$build_dir"

experiment_bin="$build_dir/bin/experiment"
experiment_plugin="$build_dir/plugins/experiments/regression.so"
params_plugin="$build_dir/plugins/params/noise_sweep.so"
for file in "$experiment_bin" "$experiment_plugin" "$params_plugin"; do
  if [[ ! -f $file ]]; then
    echo "bench_ls: expected build output $file is missing" >&2
    exit 1
  fi
done

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "bench_ls: hyperfine not found, installing it with apt-get" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get install -y hyperfine || { $sudo apt-get update && $sudo apt-get install -y hyperfine; }
fi

project=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_ls.XXXXXX")
trap 'rm -rf "$project"' EXIT

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
# experiment under EXPERIMENTS, and each experiment, params plugin and YAML file under PARAMS.
listing=$(cd "$project" && "$experiment_bin" ls)
rows=$(grep -c $'^\t' <<<"$listing" || true)
expected_rows=$((2 * experiments + params + yaml_files))
if [[ $rows -ne $expected_rows ]] || grep -q -e '\[ERROR' -e '\[WARNING' <<<"$listing"; then
  echo "bench_ls: unexpected listing ($rows rows, expected $expected_rows):" >&2
  echo "$listing" >&2
  exit 1
fi

# Without a shell in between, hyperfine times exactly the experiment process.
shell_args=()
if hyperfine --help 2>&1 | grep -q 'shell=none'; then shell_args=(--shell=none); fi
results="$project/hyperfine.json"
(cd "$project" && hyperfine "${shell_args[@]}" --warmup "$WARMUP" --runs "$RUNS" --export-json "$results" \
  "$(printf '%q' "$experiment_bin") ls")

median_ms=$(/usr/bin/python3 -c \
  'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$results")
summary="median ${median_ms} ms for 'experiment ls' over $plugins plugins and $yaml_files YAML files (target < ${TARGET_MS} ms)"
if awk -v median="$median_ms" -v target="$TARGET_MS" 'BEGIN { exit !(median < target) }'; then
  echo "PASS: $summary"
else
  echo "FAIL: $summary"
  exit 1
fi
