#!/usr/bin/env bash
# End-to-end test of deploy/slurm on a throwaway single-node Slurm cluster:
# starts munged, slurmctld and slurmd (no systemd, everything under a
# temporary folder, on free ports), submits the baseline as an array of
# SHARDS shard tasks plus the merge job through deploy/slurm/submit.sh,
# waits (bounded), and checks that the merged folder equals a one-process
# run byte for byte (but timing.json). Every daemon it started is stopped
# on exit, whatever happens. Needs root and Debian's slurm packages
# (installed if missing: slurmctld slurmd slurm-client munge).
#
#   scripts/slurm-test.sh [ENTENTE_BINARY]     (default target/release/entente)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/entente}")
SCENARIO=scenarios/baseline_2016.toml
RUNS=${SLURM_TEST_RUNS:-400}
SHARDS=${SLURM_TEST_SHARDS:-4}
WAIT=${SLURM_TEST_TIMEOUT:-300}
started=$SECONDS
say() { echo "slurm-test [$((SECONDS - started)) s]: $*"; }
[ -x "$BIN" ] || { echo "slurm-test: no entente binary at $BIN (cargo build --release)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "slurm-test: must run as root (it starts slurmd)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm and munge"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 600 apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

D=$(mktemp -d "${TMPDIR:-/tmp}/entente-slurm-test.XXXXXX")
PIDS=()
JOBS=()
cleanup() {
  local status=$?
  set +e
  if [ ${#JOBS[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
    timeout 10 scancel "${JOBS[@]}" 2>/dev/null
    for _ in $(seq 30); do
      [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  # Daemons in reverse order of starting: slurmd, slurmctld, munged.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # Job steps (slurmstepd and what it runs) leave slurmd's process tree;
  # they are this cluster's if they carry its SLURM_CONF.
  for environ in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$D/slurm.conf"; then
      pid=${environ#/proc/}
      pid=${pid%/environ}
      [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] && kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ $status -ne 0 ]; then
    echo "slurm-test: FAILED; logs under $D:" >&2
    for log in "$D"/*.log "$D"/shards/logs/*.log; do
      [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
  else
    rm -rf "$D"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free TCP ports, so that another cluster (or another run of this test) on
# the machine does not collide with this one.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT=$(free_port); done

mkdir -p "$D"/munge/{etc,run,log,lib} "$D"/ctld "$D"/d "$D"/shards
chown -R munge:munge "$D"/munge
chmod 755 "$D" "$D"/munge "$D"/munge/run # the socket's folder must be world-executable
chmod 700 "$D"/munge/{etc,log,lib}      # the key's must not be
as_munge=(setpriv --reuid=munge --regid=munge --clear-groups)
"${as_munge[@]}" mungekey -c -k "$D"/munge/etc/munge.key
SOCK=$D/munge/run/munge.socket.2
"${as_munge[@]}" /usr/sbin/munged -F --key-file="$D"/munge/etc/munge.key --socket="$SOCK" \
  --pid-file="$D"/munge/run/munged.pid --log-file="$D"/munge/log/munged.log \
  --seed-file="$D"/munge/lib/munged.seed >"$D"/munged.stdout.log 2>&1 &
PIDS+=($!)

MEM_MB=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat >"$D"/slurm.conf <<CONF
ClusterName=entente-ci
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/d
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.log
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$MEM_MB State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { echo "slurm-test: munged did not start" >&2; exit 1; }
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$D"/slurmctld.stdout.log 2>&1 &
PIDS+=($!)
/usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$D"/slurmd.stdout.log 2>&1 &
PIDS+=($!)
up=
for _ in $(seq 120); do
  if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qx idle; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || { echo "slurm-test: the node did not become idle within 60 s" >&2; exit 1; }
say "cluster up (ports $CTLD_PORT, $SLURMD_PORT)"

export ENTENTE_BIN=$BIN ENTENTE_OUT=$D/shards ENTENTE_RESULT=$D/merged
export ENTENTE_PARTITION=ci ENTENTE_TIME=00:10:00 ENTENTE_MEM=512M
export ENTENTE_MERGE_TIME=00:10:00 ENTENTE_MERGE_MEM=1G
read -r ARRAY MERGE < <(deploy/slurm/submit.sh "$SCENARIO" "$SHARDS" "$RUNS")
JOBS=("$ARRAY" "$MERGE")
say "submitted array job $ARRAY ($SHARDS shards of $RUNS runs) and merge job $MERGE"

# The reference: one process, same scenario path (it is recorded in the results).
"$BIN" run "$SCENARIO" --runs "$RUNS" --out "$D"/one --quiet

# Done when the merge job's completion record is written (also when it is
# cancelled because a shard failed), or when slurmctld answers that neither
# job is queued or running any more. A slow or failed squeue is not "done".
deadline=$((SECONDS + WAIT))
while ! grep -q "^JobId=$MERGE " "$D"/jobcomp.log 2>/dev/null; do
  if queued=$(timeout 10 squeue -h -j "$ARRAY,$MERGE" 2>/dev/null) && [ -z "$queued" ]; then
    sleep 1
    break
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "slurm-test: jobs still queued or running after $WAIT s" >&2
    timeout 10 squeue >&2 || true
    exit 1
  fi
  sleep 1
done
JOBS=()
# jobcomp.log: one line per job, fields "JobState=... ArrayJobId=... ExitCode=...".
ok_shards=$(grep " ArrayJobId=$ARRAY " "$D"/jobcomp.log | grep " JobState=COMPLETED " | grep -c " ExitCode=0:0 " || true)
[ "$ok_shards" = "$SHARDS" ] || { echo "slurm-test: $ok_shards of $SHARDS shard tasks succeeded" >&2; exit 1; }
grep "^JobId=$MERGE " "$D"/jobcomp.log | grep " JobState=COMPLETED " | grep -q " ExitCode=0:0 " \
  || { echo "slurm-test: the merge job did not succeed" >&2; exit 1; }
say "all $SHARDS shards and the merge completed"

ONE=$D/one/$("$BIN" check "$SCENARIO" | sed 's/.*: ok (\([^:]*\):.*/\1/')
[ -f "$ONE/summary.json" ] && [ -f "$D/merged/summary.json" ] || { echo "slurm-test: a summary.json is missing" >&2; exit 1; }
compared=0
for file in "$ONE"/*; do
  name=$(basename "$file")
  [ "$name" = timing.json ] && continue
  cmp "$file" "$D/merged/$name"
  compared=$((compared + 1))
done
[ "$(ls "$ONE" | wc -l)" = "$(ls "$D/merged" | wc -l)" ] || { echo "slurm-test: different file sets" >&2; exit 1; }
say "PASS: $compared files of the merged $SHARDS-shard Slurm run equal the one-process run byte for byte (timing.json excluded)"
