#!/usr/bin/env bash
# Write and read throughput of every cacher on 1 GiB of doubles, in a Release build of its own
# (build-release/). Checks that zstd at level 3 keeps more than one core busy while writing on
# a machine that has several. Prints the table, then PASS or FAIL; exits non-zero on FAIL.
#
#   scripts/bench_cachers.sh [MiB]     # default 1024
set -euo pipefail

mib=${1:-1024}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo/build-release"

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S "$repo" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCURIFACTORY_BUILD_TESTS=OFF \
  -DCURIFACTORY_BUILD_BENCHMARKS=ON -DCURIFACTORY_EXAMPLE_PLUGINS_IN_PROJECT=OFF >/dev/null
cmake --build "$build_dir"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_cachers.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

table=$("$build_dir/bin/cf_bench_cachers" --mib "$mib" --folder "$scratch")
echo "$table"

cores=$(nproc)
zstd_write_cores=$(awk '$1 == "zstd" { print $3 }' <<<"$table")
if [[ -z $zstd_write_cores ]]; then
  echo "FAIL zstd: no row for the zstd cacher"
  exit 1
fi
if ((cores < 2)); then
  echo "PASS zstd: one core on this machine, nothing to spread ($zstd_write_cores cores busy)"
elif awk -v c="$zstd_write_cores" 'BEGIN { exit !(c >= 1.5) }'; then
  echo "PASS zstd level 3 write keeps $zstd_write_cores cores busy (>= 1.5 of $cores)"
else
  echo "FAIL zstd level 3 write keeps only $zstd_write_cores cores busy (want >= 1.5 of $cores)"
  exit 1
fi
