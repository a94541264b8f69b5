# Shared by the scripts/bench*.sh scripts: sourced, not run. Each bench_* script measures one
# case of bench/README.md, prints its figures with PASS/FAIL against their targets, and exits
# non-zero when a target is missed (standalone) or when it could not complete (always).
#
# Environment (scripts/bench.sh sets these for the scripts it calls):
#   CF_BENCH_BUILD_DIR  the build to measure, used as it is; when unset, a Release build of its
#                       own in build-release/ is configured and brought up to date first
#   CF_BENCH_QUICK=1    small sizes and one run each: checks that a case completes, not its
#                       speed (figures are recorded, targets are not judged)
#   CF_BENCH_RESULTS    a file every figure is appended to (JSON lines) for bench.sh's table;
#                       a missed target then leaves the exit status at 0, since it is a result

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Debian's Python (stdlib only here); the first python3 on PATH may be another build.
bench_python=/usr/bin/python3
bench_status=0

bench_quick() { [[ ${CF_BENCH_QUICK:-0} == 1 ]]; }

# Sets BENCH_BUILD to the build folder to measure, building build-release/ when none is given.
bench_build() {
  if [[ -n ${CF_BENCH_BUILD_DIR:-} ]]; then
    BENCH_BUILD=$(cd "$CF_BENCH_BUILD_DIR" && pwd)
    return
  fi
  BENCH_BUILD="$bench_repo/build-release"
  # A build of its own: the developer build is RelWithDebInfo with tests, which is not what
  # users run, and the example plugins must not be written into the source tree's plugins/.
  local generator=()
  if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
  cmake -S "$bench_repo" -B "$BENCH_BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCURIFACTORY_BUILD_TESTS=OFF -DCURIFACTORY_BUILD_BENCHMARKS=ON \
    -DCURIFACTORY_EXAMPLE_PLUGINS_IN_PROJECT=OFF >/dev/null
  cmake --build "$BENCH_BUILD" >&2
}

# bench_need FILE...: every file the case needs, from the build, or a one-line error.
bench_need() {
  local file
  for file in "$@"; do
    if [[ ! -e $file ]]; then
      echo "$(basename "$0"): $file is missing: build with -DCURIFACTORY_BUILD_BENCHMARKS=ON" >&2
      exit 2
    fi
  done
}

bench_experiment() { echo "$BENCH_BUILD/bin/experiment"; }
bench_dag_plugin() { echo "$BENCH_BUILD/bench/plugins/dag_experiment.so"; }

source "$bench_repo/scripts/install_packages.sh"

# On stderr: a case's stdout is its figures.
bench_need_hyperfine() {
  command -v hyperfine >/dev/null 2>&1 && return
  install_missing_packages "$(basename "$0")" hyperfine >&2
}

# bench_scratch VAR: a temporary folder in VAR, removed when the script exits.
bench_scratch() {
  local folder
  folder=$(mktemp -d "${TMPDIR:-/tmp}/cf_$(basename "$0" .sh).XXXXXX")
  printf -v "$1" '%s' "$folder"
  # shellcheck disable=SC2064  # the folder is known now
  trap "rm -rf '$folder'" EXIT
}

# bench_hyperfine JSON RUNS [hyperfine options...] -- COMMAND...: times COMMAND (run without a
# shell, so hyperfine times exactly that process) in the working folder.
bench_hyperfine() {
  local json=$1 runs=$2
  shift 2
  local options=()
  while [[ $1 != -- ]]; do
    options+=("$1")
    shift
  done
  shift
  local quoted
  quoted=$(printf '%q ' "$@")
  hyperfine -N --style basic --runs "$runs" "${options[@]}" --export-json "$json" "${quoted% }" >&2
}

# bench_peak_kib RUNS PREPARE -- COMMAND...: the median peak resident set (KiB) of COMMAND and
# the processes it waited for (the supervised run child), by GNU time, running the shell
# command PREPARE (may be empty) before each run.
bench_peak_kib() {
  local runs=$1 prepare=$2
  shift 3
  local peaks=() out i
  out=$(mktemp)
  for ((i = 0; i < runs; ++i)); do
    [[ -z $prepare ]] || bash -c "$prepare"
    /usr/bin/time -f %M -o "$out" "$@" >/dev/null
    peaks+=("$(tail -n 1 "$out")")
  done
  rm -f "$out"
  printf '%s\n' "${peaks[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# bench_record ARGS...: one figure (see scripts/bench_results.py record --help): prints its
# verdict, appends it to CF_BENCH_RESULTS when set, and notes a missed target.
bench_record() {
  local rc=0
  "$bench_python" "$bench_repo/scripts/bench_results.py" record "$@" || rc=$?
  if [[ $rc -eq 3 ]]; then
    bench_status=1
  elif [[ $rc -ne 0 ]]; then
    exit "$rc"
  fi
}

# The script's exit status: 1 for a missed target when run on its own.
bench_finish() {
  if [[ -n ${CF_BENCH_RESULTS:-} ]]; then exit 0; fi
  exit "$bench_status"
}

# bench_chain_project FOLDER N...: a project with dag_experiment and params/sets_N.yaml for
# each N: N sets (seeds 0..N-1) of the "long" shape, five raw-cached stages plus an aggregate.
bench_chain_project() {
  local folder=$1 n
  shift
  mkdir -p "$folder/experiments" "$folder/params"
  cp "$(bench_dag_plugin)" "$folder/experiments/"
  for n in "$@"; do
    printf -- '- name: s\n  base:\n    shape: long\n  sweep:\n    seed: [%s]\n' \
      "$(seq -s ', ' 0 $((n - 1)))" >"$folder/params/sets_$n.yaml"
  done
}

# bench_expect_summary TEXT OUTPUT: the run's summary line must say TEXT, so a benchmark never
# times a run that did something else (failed early, or found the wrong cache state).
bench_expect_summary() {
  if ! grep -q "run complete: $1" <<<"$2"; then
    echo "$(basename "$0"): expected 'run complete: $1', got:" >&2
    tail -n 5 <<<"$2" >&2
    exit 2
  fi
}
