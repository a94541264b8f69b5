#!/usr/bin/env bash
# Stops the Slurm that scripts/slurm_local.sh started in STATE_DIR. Only PIDs listed in
# STATE_DIR/pids whose process name still matches are signalled: a PID reused by an unrelated
# process since then is left alone. Files under STATE_DIR stay for inspection.
# Usage: scripts/slurm_local_stop.sh STATE_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 STATE_DIR" >&2
  exit 2
fi
pids_file=$1/pids
if [ ! -f "$pids_file" ]; then
  echo "slurm_local_stop: no $pids_file; nothing to stop" >&2
  exit 0
fi

# Is PID still the daemon we started? Zombies count as gone: they no longer hold ports or files.
is_ours() {
  local pid=$1 name=$2 comm state
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$name" ] || return 1
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
  [ "$state" != "Z" ]
}

# slurmd first, then slurmctld, then munged: each one still needs the ones after it to shut down
# cleanly.
ours=()
for name in slurmd slurmctld munged; do
  while read -r pid started; do
    [ "$started" = "$name" ] || continue
    if is_ours "$pid" "$name"; then
      kill -TERM "$pid" 2>/dev/null || true
      ours+=("$pid $name")
    fi
  done <"$pids_file"
done

deadline=$((SECONDS + 10))
for entry in "${ours[@]}"; do
  read -r pid name <<<"$entry"
  while is_ours "$pid" "$name"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "slurm_local_stop: $name (pid $pid) ignored SIGTERM; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
done
: >"$pids_file"
