#!/usr/bin/env bash
# Builds everything (installing system packages first), then runs the example project in
# plugins/: lists it and runs the regression experiment over a compiled and a YAML params file.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
experiment="$build_dir/bin/experiment"
project="$root/plugins"
transcript="$project/logs/demo.txt"
mkdir -p "$project/logs"

cd "$project"
{
  echo "\$ experiment ls"
  "$experiment" ls
  echo
  echo "\$ experiment regression -p small_data --hashes"
  "$experiment" regression -p small_data --hashes
  echo
  echo "\$ experiment regression -p regression -p noise_sweep -p small_data"
  "$experiment" regression -p regression -p noise_sweep -p small_data
} 2>&1 | tee "$transcript"

echo
echo "demo: the example project is $project (sources and built plugins)."
echo "demo: this transcript was saved to $transcript"
