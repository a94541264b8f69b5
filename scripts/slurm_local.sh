#!/usr/bin/env bash
# Starts a throwaway one-node Slurm (munged, slurmctld, slurmd) whose every file lives under
# STATE_DIR, so tests can submit real jobs without touching a system-wide installation.
# Usage: scripts/slurm_local.sh STATE_DIR
# Prints `export SLURM_CONF=<path>` as its last line; stop with scripts/slurm_local_stop.sh.
# Runs as root (the daemons need it without systemd); installs nothing (scripts/setup.sh does).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 STATE_DIR" >&2
  exit 2
fi

# The daemons live in sbin, which a non-login PATH (a CI job, sudo -E) may lack.
export PATH=$PATH:/usr/sbin:/sbin
for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol ss; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "slurm_local: '$tool' not found on PATH (scripts/setup.sh installs slurm-wlm, munge and iproute2)" >&2
    exit 1
  fi
done

mkdir -p "$1"
state_dir=$(cd "$1" && pwd)
pids_file=$state_dir/pids
if [ -s "$pids_file" ]; then
  echo "slurm_local: $pids_file exists; stop that instance first (scripts/slurm_local_stop.sh)" >&2
  exit 1
fi

# munged refuses a key readable by others and a socket folder others cannot enter, hence two
# folders with different modes.
key_dir=$state_dir/munge-key
socket_dir=$state_dir/munge-socket
mkdir -p "$key_dir" "$socket_dir" "$state_dir/ctld-state" "$state_dir/spool" "$state_dir/log"
chmod 0700 "$key_dir"
chmod 0755 "$socket_dir"
# munged also insists that everyone may traverse every folder above its socket.
folder=$socket_dir
while [ "$folder" != / ]; do
  folder=$(dirname "$folder")
  if [ "$(( 0$(stat -c %a "$folder") & 0111 ))" -ne 73 ]; then
    echo "slurm_local: munged needs execute permission for all on $folder (chmod a+x)" >&2
    exit 1
  fi
done
key_file=$key_dir/munge.key
socket=$socket_dir/munge.socket
if [ ! -f "$key_file" ]; then
  mungekey --create --keyfile="$key_file"
fi
chmod 0600 "$key_file"

port_in_use() {
  # ss lists listening TCP sockets; the port is free when nothing listens on it anywhere.
  ss -Htln "sport = :$1" | grep -q .
}
pick_port() {
  local port=$1
  while port_in_use "$port" || [ "$port" -eq "${2:-0}" ]; do
    port=$((port + 1))
  done
  echo "$port"
}
ctld_port=$(pick_port 6817)
slurmd_port=$(pick_port $((ctld_port + 1)) "$ctld_port")

conf=$state_dir/slurm.conf
cat >"$conf" <<EOF
ClusterName=cflocal
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state_dir/ctld-state
SlurmdSpoolDir=$state_dir/spool
SlurmctldPidFile=$state_dir/slurmctld.pid
SlurmdPidFile=$state_dir/slurmd.pid
SlurmctldLogFile=$state_dir/log/slurmctld.log
SlurmdLogFile=$state_dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=3600
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# Each PID goes into the file as soon as its daemon starts, so a failure halfway still lets the
# stop script end what did start.
: >"$pids_file"
start_daemon() {
  local name=$1
  shift
  "$@" >"$state_dir/log/$name.out" 2>&1 &
  echo "$! $name" >>"$pids_file"
}

show_logs_and_fail() {
  echo "slurm_local: $1" >&2
  local log
  for log in "$state_dir"/log/*; do
    [ -f "$log" ] || continue
    echo "--- tail of $log" >&2
    tail -n 15 "$log" >&2
  done
  exit 1
}

start_daemon munged munged --foreground --socket="$socket" --key-file="$key_file" \
  --log-file="$state_dir/log/munged.log" --pid-file="$state_dir/munged.pid" \
  --seed-file="$state_dir/munge-key/munged.seed"
munged_pid=$(awk '$2 == "munged" {print $1}' "$pids_file")
for _ in $(seq 50); do
  [ -S "$socket" ] && break
  kill -0 "$munged_pid" 2>/dev/null || show_logs_and_fail "munged exited during startup"
  sleep 0.1
done
[ -S "$socket" ] || show_logs_and_fail "munged did not create $socket within 5 s"

start_daemon slurmctld slurmctld -D -f "$conf"
start_daemon slurmd slurmd -D -N localhost -f "$conf"

export SLURM_CONF=$conf
deadline=$((SECONDS + 30))
until sinfo -h -N -o '%T' 2>/dev/null | grep -qx 'idle'; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    show_logs_and_fail "node 'localhost' not idle after 30 s (sinfo: $(sinfo -h -N -o '%T' 2>&1 | tr '\n' ' '))"
  fi
  while read -r pid name; do
    kill -0 "$pid" 2>/dev/null || show_logs_and_fail "$name (pid $pid) exited during startup"
  done <"$pids_file"
  sleep 0.2
done

echo "export SLURM_CONF=$conf"
