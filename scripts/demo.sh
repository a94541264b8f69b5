#!/usr/bin/env bash
# Builds everything (installing system packages first), then walks through the example project
# in plugins/: lists it, runs the regression experiment over the noise sweep from an empty
# cache, shows the cache at work (--map, a second run, --overwrite-stage), runs a YAML params
# file, and shows where the cache files are.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
experiment="$build_dir/bin/experiment"
project="$root/plugins"
transcript="$project/logs/demo.txt"
mkdir -p "$project/logs"

# Prints what a user would type, then runs it.
step() {
  echo
  echo "\$ experiment $*"
  "$experiment" "$@"
}
# A line of commentary in the transcript.
say() {
  echo
  echo "# $*"
}

cd "$project"
# The first run should show every stage executing, so start from an empty cache (it only holds
# what this example computed).
rm -rf "$project/data/cache"
{
  echo "\$ experiment ls"
  "$experiment" ls

  say "a cold run over the noise sweep: every stage executes and caches its outputs"
  step regression -p noise_sweep

  say "the map of the same run: every artifact is cached, so nothing would execute"
  step regression -p noise_sweep --map

  say "a second run: the final ranking is cached, so nothing upstream of it runs"
  step regression -p noise_sweep

  say "rerun evaluate and everything downstream of it (compare); fit and split are loaded"
  step regression -p noise_sweep --overwrite-stage evaluate

  say "a YAML params file runs the same way"
  step regression -p small_data

  say "the cache: <experiment>_<record hash>_<stage>_<output>, each with a _metadata.json beside it"
  echo "\$ find data/cache -name '*.msgpack' | sort"
  find data/cache -name '*.msgpack' | sort
  metadata=$(find data/cache/models -name '*_metadata.json' | sort | head -n 1)
  echo
  echo "\$ cat $metadata"
  cat "$metadata"
} 2>&1 | tee "$transcript"

echo
echo "demo: the example project is $project (sources and built plugins)."
echo "demo: its cache is $project/data/cache"
echo "demo: this transcript was saved to $transcript"
