#!/usr/bin/env bash
# Submits an Entente study to Slurm: an array of N shard tasks, then a merge
# job that waits for all of them (--dependency=afterok). Prints the two job ids.
#
#   deploy/slurm/submit.sh SCENARIO N [RUNS]
#
# Variables (all optional):
#   ENTENTE_BIN        entente binary as seen from the compute nodes [entente]
#   ENTENTE_OUT        folder for the shard folders                 [output/shards]
#   ENTENTE_RESULT     merged result folder                         [output/<name>]
#   ENTENTE_SEED       seed (default: the scenario's)
#   ENTENTE_PARTITION  partition (default: the cluster's default)
#   ENTENTE_TIME       time limit per shard                         [01:00:00]
#   ENTENTE_MEM        memory per shard                             [1G]
#   ENTENTE_CPUS       CPUs (threads) per shard                     [1]
#   ENTENTE_MERGE_TIME, ENTENTE_MERGE_MEM  the same for the merge job [00:30:00, 2G]
#   ENTENTE_LOGS       folder for Slurm's job logs                  [$ENTENTE_OUT/logs]
# Paths must be visible from every node (a shared file system), and the
# merge reads the scenario file from the same path the shards did.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
SCENARIO=$1 SHARDS=$2 RUNS=${3:-}
case $SHARDS in '' | *[!0-9]* | 0) echo "N must be a positive integer, not '$SHARDS'" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
export ENTENTE_BIN=${ENTENTE_BIN:-entente}
export ENTENTE_OUT=${ENTENTE_OUT:-output/shards}
export ENTENTE_SCENARIO=$SCENARIO ENTENTE_SHARDS=$SHARDS ENTENTE_RUNS=$RUNS
export ENTENTE_SEED=${ENTENTE_SEED:-}
# `check` validates the scenario before anything is queued, and gives its
# name ("FILE: ok (NAME: ...)"), which names the shard folders.
CHECKED=$("$ENTENTE_BIN" check "$SCENARIO")
NAME=${CHECKED##*: ok (}
NAME=${NAME%%: *}
[ -n "$NAME" ] || { echo "cannot find the scenario name in $SCENARIO" >&2; exit 2; }
export ENTENTE_NAME=$NAME
export ENTENTE_RESULT=${ENTENTE_RESULT:-output/$NAME}
LOGS=${ENTENTE_LOGS:-$ENTENTE_OUT/logs}
mkdir -p "$ENTENTE_OUT" "$LOGS"
common=(--parsable --export=ALL)
[ -n "${ENTENTE_PARTITION:-}" ] && common+=(--partition "$ENTENTE_PARTITION")
ARRAY=$(sbatch "${common[@]}" --array="0-$((SHARDS - 1))" \
  --time "${ENTENTE_TIME:-01:00:00}" --mem "${ENTENTE_MEM:-1G}" \
  --cpus-per-task "${ENTENTE_CPUS:-1}" \
  --output "$LOGS/shard-%A_%a.log" "$HERE/entente-array.sbatch")
ARRAY=${ARRAY%%;*}
MERGE=$(sbatch "${common[@]}" --dependency="afterok:$ARRAY" --kill-on-invalid-dep=yes \
  --time "${ENTENTE_MERGE_TIME:-00:30:00}" --mem "${ENTENTE_MERGE_MEM:-2G}" \
  --output "$LOGS/merge-%j.log" "$HERE/entente-merge.sbatch")
MERGE=${MERGE%%;*}
echo "$ARRAY $MERGE"
