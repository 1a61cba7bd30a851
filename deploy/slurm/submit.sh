#!/usr/bin/env bash
# Submits a sharded Entente study to Slurm: an array of N shard tasks, then a
# merge job that waits for all of them (--dependency=afterok). Prints the two
# job ids, "<array job> <merge job>".
#
#   deploy/slurm/submit.sh N COMMAND ARGS...
#
# COMMAND is run, compare, sweep or sensitivity, and ARGS are its arguments
# as you would type them, without --shard, --out, --threads, --quiet and
# --force (each shard gets those from here). For example:
#   deploy/slurm/submit.sh 64 run scenarios/baseline_2016.toml --runs 1000000
#   deploy/slurm/submit.sh 32 compare scenarios/baseline_2016.toml scenarios/japan_overtures.toml --runs 500000
#   deploy/slurm/submit.sh 16 sweep scenarios/baseline_2016.toml --param weights.identity=0:2:21 --runs 20000
#   deploy/slurm/submit.sh 16 sensitivity scenarios/baseline_2016.toml --param weights.identity=0..2 --param weights.economy=0..2 --runs 2000
#
# The shard folders of one submission go to a fresh folder under ENTENTE_OUT
# (its path is printed on stderr). The merge writes the result where the
# unsharded command would (output/<name>, output/<name>-sweep,
# output/<name>-<method>), or to ENTENTE_RESULT; for a sensitivity study it
# then runs the same command unsharded on the merged folder, which computes
# the indices and charts there.
#
# Variables (all optional):
#   ENTENTE_BIN        entente binary as seen from the compute nodes [entente]
#   ENTENTE_OUT        where each submission's shard folder is made  [output/shards]
#   ENTENTE_RESULT     merged result folder (not for a run of several scenarios;
#                      for sensitivity its last part must be <scenario>-<method>)
#   ENTENTE_PARTITION  partition (default: the cluster's default)
#   ENTENTE_TIME       time limit per shard                         [01:00:00]
#   ENTENTE_MEM        memory per shard                             [1G]
#   ENTENTE_CPUS       CPUs (threads) per shard                     [1]
#   ENTENTE_MERGE_TIME, ENTENTE_MERGE_MEM  the same for the merge job [00:30:00, 2G]
#   ENTENTE_LOGS       folder for Slurm's job logs                  [<shard folder>/logs]
# Paths must be visible from every node (a shared file system). Submit from
# the folder you would run entente from: the merge reads the scenario files
# by the paths the shards recorded.
set -euo pipefail
die() {
  echo "submit.sh: $*" >&2
  exit 2
}
if [ $# -lt 3 ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
SHARDS=$1 COMMAND=$2
shift 2
case $SHARDS in '' | *[!0-9]* | 0*) die "N must be a positive integer, not '$SHARDS'" ;; esac
case $COMMAND in run | compare | sweep | sensitivity) ;; *) die "COMMAND must be run, compare, sweep or sensitivity, not '$COMMAND'" ;; esac
for arg in "$@"; do
  case $arg in
    --shard | --shard=* | --out | --out=* | --threads | --threads=* | -q | --quiet | --force)
      die "remove ${arg%%=*} from the arguments: each shard gets --shard K/N, --out (a fresh folder under ENTENTE_OUT), --threads (ENTENTE_CPUS), --quiet and --force" ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
export ENTENTE_BIN=${ENTENTE_BIN:-entente}
command -v "$ENTENTE_BIN" >/dev/null || die "no entente binary '$ENTENTE_BIN' here; set ENTENTE_BIN to its path"

# Validate the inputs before anything is queued; what the checks print goes
# to stderr.
case $COMMAND in
  sweep)
    "$ENTENTE_BIN" sweep "$@" --dry-run >&2
    ;;
  sensitivity)
    plan=$("$ENTENTE_BIN" sensitivity "$@" --dry-run) || exit 2
    echo "$plan" >&2
    # The merge computes the indices with `entente sensitivity ARGS --out
    # <parent>`, which reads <parent>/<scenario>-<method>, the folder the
    # dry run names: ENTENTE_RESULT must be named so.
    if [ -n "${ENTENTE_RESULT:-}" ]; then
      name=$(basename "$(sed -n 's/^  results would go to //p' <<<"$plan")")
      [ -n "$name" ] || die "cannot read the result folder in the output of '$ENTENTE_BIN sensitivity ... --dry-run'"
      [ "$(basename "$ENTENTE_RESULT")" = "$name" ] \
        || die "ENTENTE_RESULT=$ENTENTE_RESULT: for sensitivity it must end in /$name (<scenario>-<method>, the folder the indices are computed in), e.g. ${ENTENTE_RESULT%/}/$name"
    fi
    ;;
  *)
    # The scenario files are the arguments that are neither options nor an
    # option's value; the options that take a value are read from --help.
    mapfile -t valued < <("$ENTENTE_BIN" "$COMMAND" --help \
      | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\) <.*/\2/p')
    files=()
    value=
    for arg in "$@"; do
      if [ -n "$value" ]; then
        value=
      elif [[ " ${valued[*]} " == *" $arg "* ]]; then
        value=1
      elif [[ $arg != -* ]]; then
        files+=("$arg")
      fi
    done
    [ ${#files[@]} -gt 0 ] || die "no scenario file among the arguments: $*"
    "$ENTENTE_BIN" check "${files[@]}" >&2
    if [ "$COMMAND" = run ] && [ ${#files[@]} -gt 1 ] && [ -n "${ENTENTE_RESULT:-}" ]; then
      die "ENTENTE_RESULT names one folder, but this run has ${#files[@]} scenarios; unset it (each goes to output/<name>)"
    fi
    ;;
esac

ENTENTE_OUT=${ENTENTE_OUT:-output/shards}
mkdir -p "$ENTENTE_OUT"
STUDY=$(mktemp -d "$(cd "$ENTENTE_OUT" && pwd)/$COMMAND.XXXXXX")
LOGS=${ENTENTE_LOGS:-$STUDY/logs}
mkdir -p "$LOGS"
common=(--parsable --export=ALL)
[ -n "${ENTENTE_PARTITION:-}" ] && common+=(--partition "$ENTENTE_PARTITION")
if ! ARRAY=$(sbatch "${common[@]}" --array="0-$((SHARDS - 1))" \
  --time "${ENTENTE_TIME:-01:00:00}" --mem "${ENTENTE_MEM:-1G}" \
  --cpus-per-task "${ENTENTE_CPUS:-1}" --output "$LOGS/shard-%A_%a.log" \
  "$HERE/entente-array.sbatch" "$SHARDS" "$STUDY" "$COMMAND" "$@"); then
  rm -r "$STUDY"
  die "sbatch refused the array job (see its message above); nothing is queued"
fi
ARRAY=${ARRAY%%;*}
if ! MERGE=$(sbatch "${common[@]}" --dependency="afterok:$ARRAY" --kill-on-invalid-dep=yes \
  --time "${ENTENTE_MERGE_TIME:-00:30:00}" --mem "${ENTENTE_MERGE_MEM:-2G}" \
  --output "$LOGS/merge-%j.log" "$HERE/entente-merge.sbatch" "$STUDY" "$COMMAND" "$@"); then
  scancel "$ARRAY"
  die "the merge job was refused, so array job $ARRAY is cancelled"
fi
MERGE=${MERGE%%;*}
echo "submit.sh: $SHARDS shards of '$COMMAND' in $STUDY, logs in $LOGS" >&2
echo "$ARRAY $MERGE"
