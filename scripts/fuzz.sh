#!/usr/bin/env bash
# Fuzzes the readers of untrusted bytes with libFuzzer: the YAML params reader, the plugin
# metadata JSON reader, the ELF section reader and the artifact (MessagePack) decoder. Builds
# them with clang, ASan and UBSan in build-fuzz/, then runs each target for SECONDS (default 60)
# from its committed seed corpus (fuzz/corpus/<target>/) and dictionary (fuzz/dict/).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # targets: yaml_params plugin_metadata elf_section artifact_decode
#
# New coverage goes to build-fuzz/fuzz/corpus/<target>/ (the committed corpus is only read).
# A crash is saved as build-fuzz/fuzz/findings/<target>-crash-*; once the reader is fixed, copy
# the file into fuzz/corpus/<target>/ so the test suite replays it from then on. Exits non-zero
# when any target found something.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CF_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml_params plugin_metadata elf_section artifact_decode)
for target in "${targets[@]}"; do
  [ -d "$root/fuzz/corpus/$target" ] || { echo "fuzz: unknown target '$target' (no fuzz/corpus/$target/)" >&2; exit 2; }
done

# libFuzzer comes with clang, which the test suite (built with g++) does not need; so it is
# installed here rather than by setup.sh. The rest of the build's packages come from setup.sh.
source "$root/scripts/install_packages.sh"
install_missing_packages fuzz clang libclang-rt-14-dev

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCURIFACTORY_FUZZ=ON -DCURIFACTORY_BUILD_TESTS=OFF -DCURIFACTORY_EXAMPLE_PLUGINS_IN_PROJECT=OFF >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target fuzz_all

# Any sanitizer report is a finding, except the library ones fuzz/ubsan_suppressions.txt names.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$root/fuzz/ubsan_suppressions.txt}

findings_dir="$build_dir/fuzz/findings"
mkdir -p "$findings_dir"
failed=()
for target in "${targets[@]}"; do
  corpus="$build_dir/fuzz/corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  # The first corpus folder receives new inputs; the committed one is only read.
  if ! "$build_dir/fuzz/fuzz_$target" "$corpus" "$root/fuzz/corpus/$target" \
    -dict="$root/fuzz/dict/$target.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$findings_dir/$target-" -print_final_stats=1 \
    >"$build_dir/fuzz/$target.log" 2>&1; then
    failed+=("$target")
    tail -n 40 "$build_dir/fuzz/$target.log" >&2
  fi
  grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$build_dir/fuzz/$target.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAIL ${failed[*]}: inputs in $findings_dir, logs in $build_dir/fuzz/<target>.log" >&2
  exit 1
fi
echo "fuzz: PASS ${targets[*]} (${seconds}s each, no findings)"
