#!/usr/bin/env bash
# The benchmark suite (bench/README.md describes every case and target): builds a Release build
# of its own (build-release/), runs each case script, and writes the figures with their targets
# to <out>/<date>.json and a markdown table <out>/<date>.md (copied to <out>/latest.md).
#
#   scripts/bench.sh [--quick] [--build-dir DIR] [--out DIR] [--wait-quiet MINUTES]
#                    [--notes FILE] [CASE...]
#
#   --quick         small sizes, one run each, targets not judged: checks that every case
#                   completes (CI runs it as a test); writes to a temporary folder unless --out
#   --build-dir     measure this existing build (any build type, with the benchmark programs)
#                   instead of building build-release/
#   --out           where the result files go (default bench/results)
#   --wait-quiet    first wait, polling every minute for at most MINUTES, until the 1-minute
#                   load average is below 0.7; the result says whether it got there
#   --notes         markdown appended to the table as its Notes (why a target was missed)
#   CASE            chain growth stage_hit ls cachers lazy parallel (default: all of them)
#
# Exits non-zero when a case could not complete; a missed target is a result, not a failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

readonly ALL_CASES=(chain growth stage_hit ls cachers lazy parallel)
usage() {
  echo "scripts/bench.sh: $1 (usage: scripts/bench.sh [--quick] [--build-dir DIR] [--out DIR]" \
    "[--wait-quiet MINUTES] [--notes FILE] [CASE...]; cases: ${ALL_CASES[*]})" >&2
  exit 2
}

quick=0 build_dir="" out="" wait_minutes="" notes="" cases=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --build-dir | --out | --wait-quiet | --notes)
      [[ $# -ge 2 && -n $2 ]] || usage "$1 needs a value"
      case $1 in
        --build-dir) build_dir=$2 ;;
        --out) out=$2 ;;
        --wait-quiet) wait_minutes=$2 ;;
        --notes) notes=$2 ;;
      esac
      shift
      ;;
    -*) usage "unknown option '$1'" ;;
    *)
      [[ " ${ALL_CASES[*]} " == *" $1 "* ]] || usage "unknown case '$1'"
      cases+=("$1")
      ;;
  esac
  shift
done
[[ ${#cases[@]} -gt 0 ]] || cases=("${ALL_CASES[@]}")
[[ -z $wait_minutes || $wait_minutes =~ ^[0-9]+$ ]] || usage "--wait-quiet '$wait_minutes': expected whole minutes"
[[ -z $notes || -f $notes ]] || usage "--notes '$notes': no such file"
if [[ -n $build_dir ]]; then
  [[ -f $build_dir/CMakeCache.txt ]] || usage "--build-dir '$build_dir': not a CMake build folder"
  export CF_BENCH_BUILD_DIR=$build_dir
fi
export CF_BENCH_QUICK=$quick
if [[ -z $out ]]; then
  if ((quick)); then out=$(mktemp -d "${TMPDIR:-/tmp}/cf_bench_quick.XXXXXX"); else out="$bench_repo/bench/results"; fi
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Built first: the build itself is what most often keeps the machine busy.
bench_build
export CF_BENCH_BUILD_DIR=$BENCH_BUILD

load() { cut -d' ' -f1-3 /proc/loadavg; }
quiet_note=""
if [[ -n $wait_minutes ]]; then
  for ((minute = 0; ; ++minute)); do
    if awk '{ exit !($1 < 0.7) }' /proc/loadavg; then
      quiet_note="quiet (1-minute load < 0.7) after waiting $minute min"
      break
    fi
    if ((minute >= wait_minutes)); then
      quiet_note="NOT quiet: the 1-minute load stayed >= 0.7 for $wait_minutes min, ran anyway"
      break
    fi
    echo "bench: load $(load), waiting for a quiet machine ($minute/$wait_minutes min)" >&2
    sleep 60
  done
  echo "bench: $quiet_note" >&2
fi

figures=$(mktemp "${TMPDIR:-/tmp}/cf_bench_figures.XXXXXX")
trap 'rm -f "$figures"' EXIT
export CF_BENCH_RESULTS=$figures

load_before=$(load)
started=$(date +%s)
failed=()
for case in "${cases[@]}"; do
  echo "bench: === $case ===" >&2
  case_started=$(date +%s)
  if bash "$bench_repo/scripts/bench_$case.sh"; then
    echo "bench: $case done in $(($(date +%s) - case_started)) s" >&2
  else
    echo "bench: $case did NOT complete (exit $?)" >&2
    failed+=("$case")
  fi
done
duration=$(($(date +%s) - started))

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$BENCH_BUILD/CMakeCache.txt"; }
commit=$(git -C "$bench_repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$bench_repo" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit+=" (with uncommitted changes)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
disk=$(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 " on " $1 }')
date=$(date +%F)
meta=(
  --meta "date=$date"
  --meta "commit=$commit"
  --meta "build=$(cache_value CMAKE_BUILD_TYPE) build in $BENCH_BUILD, $(cache_value CMAKE_CXX_COMPILER | xargs basename) $(c++ -dumpfullversion 2>/dev/null || true)"
  --meta "machine=$(nproc) cores ($cpu), $memory, Linux $(uname -r), scratch files on $disk"
  --meta "load=1/5/15-minute load $load_before before, $(load) after${quiet_note:+; $quiet_note}"
  --meta "duration=$duration s"
  --meta "tools=$(hyperfine --version 2>/dev/null || echo hyperfine missing), Google Benchmark $(dpkg-query -W -f '${Version}' libbenchmark-dev 2>/dev/null || echo '?'), $(dd --version | head -n 1)"
  --meta "quick=$quick"
  --meta "failed_cases=$(
    IFS=,
    echo "${failed[*]}"
  )"
)
notes_option=()
[[ -z $notes ]] || notes_option=(--notes "$notes")
"$bench_python" "$bench_repo/scripts/bench_results.py" combine "$figures" "$out/$date.json" "$out/$date.md" \
  "${meta[@]}" "${notes_option[@]}"
cp "$out/$date.md" "$out/latest.md"
cat "$out/$date.md"
echo "bench: wrote $out/$date.json and $out/$date.md (also $out/latest.md) in $duration s" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "bench: cases that did not complete: ${failed[*]}" >&2
  exit 1
fi
