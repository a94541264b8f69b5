#!/usr/bin/env bash
# Compares two benchmark result files (scripts/bench.sh's <date>.json) case by case: the old
# and new figure, the change, and the new verdict. A case only one of them has is shown too.
#
#   scripts/bench_compare.sh bench/results/OLD.json bench/results/NEW.json
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: scripts/bench_compare.sh OLD.json NEW.json" >&2
  exit 2
fi
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/bench_results.py" compare "$1" "$2"
