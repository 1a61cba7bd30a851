#!/usr/bin/env bash
# End-to-end test of deploy/slurm on a throwaway single-node Slurm cluster:
# starts munged, slurmctld and slurmd (no systemd, everything under a
# temporary folder, on free ports), submits four studies at once through
# deploy/slurm/submit.sh (a run as 4 shards, a sweep as 3, a compare as 4, a
# Morris sensitivity as 3, each an array job plus its merge job, which for
# the sensitivity also computes the indices), waits (bounded), and checks
# that each merged folder holds the same files as the same command in one
# process, byte for byte but timing.json. Every daemon it started is stopped
# on exit, whatever happens. Needs root and Debian's slurm packages
# (installed if missing: slurmctld slurmd slurm-client munge).
#
#   scripts/slurm-test.sh [ENTENTE_BINARY]     (default target/release/entente)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/entente}")
WAIT=${SLURM_TEST_TIMEOUT:-300}
# The studies: how many shards, the command line (without --shard and
# --out; split at spaces), and the folder it writes under --out.
STUDIES=(run sweep compare sensitivity)
declare -A SHARDS=([run]=4 [sweep]=3 [compare]=4 [sensitivity]=3)
declare -A CMD=(
  [run]="run scenarios/baseline_2016.toml --runs 400"
  [sweep]="sweep scenarios/baseline_2016.toml --param weights.identity=0:1.5:4 --runs 50"
  [compare]="compare scenarios/baseline_2016.toml scenarios/japan_overtures.toml --runs 200"
  [sensitivity]="sensitivity scenarios/baseline_2016.toml --method morris --param weights.identity=0..1.5 --param weights.economy=0..1.5 --trajectories 4 --runs 20"
)
declare -A NAME=([run]=baseline-2016 [sweep]=baseline-2016-sweep [compare]=compare-baseline-2016
  [sensitivity]=baseline-2016-morris)
started=$SECONDS
say() { echo "slurm-test [$((SECONDS - started)) s]: $*"; }
fail() {
  echo "slurm-test: $*" >&2
  exit 1
}
[ -x "$BIN" ] || fail "no entente binary at $BIN (cargo build --release)"
[ "$(id -u)" = 0 ] || fail "must run as root (it starts slurmd)"

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
    for log in "$D"/*.log "$D"/shards/*/logs/*.log; do
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

# OverSubscribe: up to 8 jobs share a core, so that Slurm starts the test's
# small jobs at once rather than two by two.
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
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
CONF
export SLURM_CONF=$D/slurm.conf
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "munged did not start"
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$D"/slurmctld.stdout.log 2>&1 &
PIDS+=($!)
/usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$D"/slurmd.stdout.log 2>&1 &
PIDS+=($!)
up=
for _ in $(seq 120); do
  if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qx idle; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || fail "the node did not become idle within 60 s"
say "cluster up (ports $CTLD_PORT, $SLURMD_PORT)"

export ENTENTE_BIN=$BIN ENTENTE_OUT=$D/shards
export ENTENTE_PARTITION=ci ENTENTE_TIME=00:10:00 ENTENTE_MEM=512M
export ENTENTE_MERGE_TIME=00:10:00 ENTENTE_MERGE_MEM=1G
declare -A ARRAY MERGE

# submit STUDY: queues its shards and merge, merged into
# $D/merged-STUDY/NAME (a sensitivity's result must be named so).
submit() {
  local cmd ids
  read -ra cmd <<<"${CMD[$1]}"
  ids=$(ENTENTE_RESULT=$D/merged-$1/${NAME[$1]} deploy/slurm/submit.sh "${SHARDS[$1]}" "${cmd[@]}" 2>>"$D"/submit.log) \
    || fail "submit.sh refused the $1 study"
  read -r "ARRAY[$1]" "MERGE[$1]" <<<"$ids"
  JOBS+=("${ARRAY[$1]}" "${MERGE[$1]}")
  say "submitted $1: array job ${ARRAY[$1]} (${SHARDS[$1]} shards), merge job ${MERGE[$1]}"
}

# reference STUDY: the same command in one process, into $D/one-STUDY/NAME (with
# the same scenario paths: they are recorded in the results).
reference() {
  local cmd
  read -ra cmd <<<"${CMD[$1]}"
  "$BIN" "${cmd[@]}" --out "$D/one-$1" --quiet
}

# Done when every merge job's completion record is written (also when it is
# cancelled because a shard failed).
merged() {
  local study
  for study in "${STUDIES[@]}"; do
    grep -q "^JobId=${MERGE[$study]} " "$D"/jobcomp.log 2>/dev/null || return 1
  done
}

# verify STUDY: every shard task and the merge succeeded, and the merged
# folder holds the reference's files with the same bytes, but timing.json
# (a run's compute time).
verify() {
  local ok ref=$D/one-$1/${NAME[$1]} merged=$D/merged-$1/${NAME[$1]}
  # jobcomp.log: one line per job, fields "JobState=... ArrayJobId=... ExitCode=...".
  ok=$(grep " ArrayJobId=${ARRAY[$1]} " "$D"/jobcomp.log | grep " JobState=COMPLETED " | grep -c " ExitCode=0:0 " || true)
  [ "$ok" = "${SHARDS[$1]}" ] || fail "$1: $ok of ${SHARDS[$1]} shard tasks succeeded"
  grep "^JobId=${MERGE[$1]} " "$D"/jobcomp.log | grep " JobState=COMPLETED " | grep -q " ExitCode=0:0 " \
    || fail "$1: the merge job did not succeed"
  [ "$(ls "$D/one-$1")" = "${NAME[$1]}" ] || fail "$1: the one-process command did not write just $ref"
  diff <(cd "$ref" && find . -type f | sort) <(cd "$merged" && find . -type f | sort) >&2 \
    || fail "$1: $merged and $ref hold different files (above: < only one-process, > only merged)"
  diff -rq --exclude=timing.json "$ref" "$merged" >&2 || fail "$1: the files above differ"
  say "PASS $1: ${SHARDS[$1]} Slurm shards merged equal one process: $(find "$merged" -type f ! -name timing.json | wc -l) files byte for byte (timing.json excluded)"
}

for study in "${STUDIES[@]}"; do submit "$study"; done
for study in "${STUDIES[@]}"; do reference "$study"; done

# Wait for the merges, or until slurmctld answers that none of the jobs is
# queued or running any more. A slow or failed squeue is not "done".
deadline=$((SECONDS + WAIT))
until merged; do
  if queued=$(timeout 10 squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" 2>/dev/null) && [ -z "$queued" ]; then
    sleep 1
    break
  fi
  if [ $SECONDS -ge $deadline ]; then
    timeout 10 squeue >&2 || true
    fail "jobs still queued or running after $WAIT s"
  fi
  sleep 0.5
done
JOBS=()
for study in "${STUDIES[@]}"; do verify "$study"; done
say "PASS: run, sweep, compare and sensitivity sharded on Slurm equal one process"
