#!/usr/bin/env bash
# Large artifacts: 1 GiB of doubles written and read through the raw, zstd (levels 1 and 3),
# npy and pickle cachers (cf_bench_cachers: the C ABI calls a run makes, median of RUNS runs),
# each as a ratio to a plain copy of the same bytes to the same disk in the same run: the row
# `plain` writes them with write(2) to a new file in the same folder and reads that file back
# with read(2) into fresh memory (the least any cacher must do). For reference, dd copies the
# same bytes too (page cache to a new file, and that file to /dev/null). The data is a sine
# rounded to whole numbers, which compresses well; zstd also runs on the unrounded sine, whose
# doubles barely compress. Targets: raw at 80% or more of the plain copy's bandwidth each way;
# zstd level 1 writing at 1 GB/s or more on the compressible data; zstd level 3 keeping 1.5
# cores or more busy while writing, where there are two or more.
#
#   scripts/bench_cachers.sh [MiB [RUNS]]     # default 1024 3 (quick mode: 8 1)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

mib=${1:-1024} runs=${2:-3}
if bench_quick; then mib=${1:-8} runs=${2:-1}; fi
bench_build
program="$BENCH_BUILD/bin/cf_bench_cachers"
bench_need "$program"
bench_scratch scratch

readonly GROUP="Large artifacts: $mib MiB of doubles per cacher, against a plain copy of the same bytes"
rows=(plain raw zstd1 zstd3 npy pickle)
"$program" --mib "$mib" --runs "$runs" --folder "$scratch" --data rounded --export "$scratch/artifact.bin" \
  --json "$scratch/rounded.json" plain raw 'zstd:{"level":1}' 'zstd:{"level":3}' npy pickle >&2
"$program" --mib "$mib" --runs "$runs" --folder "$scratch" --data sine --json "$scratch/sine.json" \
  'zstd:{"level":1}' 'zstd:{"level":3}' >&2

# field FILE INDEX KEY: one number of cf_bench_cachers' JSON rows.
field() {
  "$bench_python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])][sys.argv[3]])' "$@"
}
plain_write=$(field "$scratch/rounded.json" 0 write_mib_s)
plain_read=$(field "$scratch/rounded.json" 0 read_mib_s)
bench_record --id cachers.plain.write --group "$GROUP" --title "plain write(2) of the bytes" --unit MiB/s \
  --value "$plain_write" --runs "$runs"
bench_record --id cachers.plain.read --group "$GROUP" --title "plain read(2) into fresh memory" --unit MiB/s \
  --value "$plain_read" --runs "$runs"

# dd_seconds IN OUT: the seconds dd reports for copying IN to OUT.
dd_seconds() {
  LC_ALL=C dd if="$1" of="$2" bs=16M 2>&1 | awk '/copied/ { for (i = 1; i <= NF; ++i) if ($i == "s,") print $(i - 1) }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
bytes=$(stat -c %s "$scratch/artifact.bin")
writes=() reads=()
for ((i = 0; i < runs; ++i)); do
  writes+=("$(dd_seconds "$scratch/artifact.bin" "$scratch/copy.bin")")
  reads+=("$(dd_seconds "$scratch/copy.bin" /dev/null)")
  rm -f "$scratch/copy.bin"
done
mib_s() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
bench_record --id cachers.dd.write --group "$GROUP" --title "dd copy to a new file (reference)" --unit MiB/s \
  --value "$(mib_s "$(printf '%s\n' "${writes[@]}" | median)")" --runs "$runs"
bench_record --id cachers.dd.read --group "$GROUP" --title "dd copy of that file to /dev/null (reference)" \
  --unit MiB/s --value "$(mib_s "$(printf '%s\n' "${reads[@]}" | median)")" --runs "$runs"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
for index in "${!rows[@]}"; do
  name=${rows[$index]}
  [[ $name != plain ]] || continue
  label=$name
  [[ $name != zstd? ]] || label="zstd level ${name#zstd}"
  for direction in write read; do
    speed=$(field "$scratch/rounded.json" "$index" "${direction}_mib_s")
    plain="plain_$direction"
    target=()
    [[ $name != raw ]] || target=(--target 0.8 --op ">=")
    bench_record --id "cachers.$name.$direction" --group "$GROUP" --title "$label $direction / plain copy" --unit x \
      --value "$(ratio "$speed" "${!plain}")" --runs "$runs" "${target[@]}" \
      --note "$(printf '%.0f MiB/s' "$speed")"
  done
  if [[ $name == zstd? ]]; then
    ratio_text=$(awk -v m="$mib" -v f="$(field "$scratch/rounded.json" "$index" file_mib)" 'BEGIN { printf "%.1f", m / f }')
    target=()
    [[ $name != zstd1 ]] || target=(--target 1 --op ">=")
    bench_record --id "cachers.$name.write_gbs" --group "$GROUP" --title "$label write, compressible data" \
      --unit GB/s --value "$(field "$scratch/rounded.json" "$index" write_mib_s)" --scale 0.001048576 --runs "$runs" \
      "${target[@]}" --note "compresses ${ratio_text}:1"
    sine_index=$((index - 2))
    bench_record --id "cachers.$name.write_gbs.sine" --group "$GROUP" --title "$label write, barely compressible data" \
      --unit GB/s --value "$(field "$scratch/sine.json" "$sine_index" write_mib_s)" --scale 0.001048576 --runs "$runs"
  fi
done

# zstd compresses on every core: at level 3 a write should keep more than one busy.
cores=$(nproc)
target=()
if ((cores >= 2)); then target=(--target 1.5 --op ">="); fi
bench_record --id cachers.zstd3.write_cores --group "$GROUP" --title "zstd level 3 write: cores busy (of $cores)" \
  --unit cores --value "$(field "$scratch/rounded.json" 3 write_cores)" --runs "$runs" "${target[@]}"
bench_finish
