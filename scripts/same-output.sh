#!/usr/bin/env bash
# Byte-identity check for refactors: runs the same study commands with two
# entente binaries and compares every file they write (timing.json,
# progress.json, timing lines and the output paths aside).
#
#   scripts/same-output.sh OLD_BINARY NEW_BINARY [WORK_DIR]
#
# Covers every shipped scenario and workshop cell, the 12-actor test world,
# --dyads, the 12-scenario workshop compare with --matrix/--title/--question,
# the shipped sweep, a Latin hypercube sweep and discover, Morris and Sobol
# sensitivity, landscape on the Syria case, a 3-shard run and its merge,
# report on two folders, schema, check, every bad input, and the stdout of
# run, run --json, compare and sweep --dry-run. Runs use --trajectories all
# where the command takes it (ENTENTE_TRAJ='' to leave it out, for binaries
# that predate the flag). Exit 0 when all files are identical.
set -u
cd "$(dirname "$0")/.."
old=$(realpath "$1"); new=$(realpath "$2"); work=${3:-$(mktemp -d)}
traj=${ENTENTE_TRAJ---trajectories all}

write() { # BINARY OUT
  local B=$1 O=$2 f
  rm -rf "$O"; mkdir -p "$O"
  for f in scenarios/*.toml scenarios/workshop/*.toml tests/data/twelve_actors.toml; do
    $B run "$f" --runs 300 --seed 7 --out "$O/run" -q --threads 2 $traj || echo "FAIL run $f"
  done
  $B run scenarios/baseline_2016.toml --runs 200 --out "$O/run-dyads" --dyads USA-JPN,CHN-RUS -q $traj
  $B compare scenarios/*.toml scenarios/workshop/*.toml --name workshop \
    --matrix "stable marriage CHN+RUS vs USA" --runs 200 --out "$O/compare" -q --title T --question "Q?" $traj
  $B sweep scenarios/sweeps/identity_economy.toml --runs 20 --out "$O/sweep" -q
  $B sweep scenarios/baseline_2016.toml --design lhs --samples 40 --param weights.identity=0..2 \
    --param weights.economy=0..2 --runs 30 --out "$O/lhs" -q
  $B discover "$O/lhs/baseline-2016-sweep" --outcome "stable marriage CHN+RUS vs USA" -q
  $B sensitivity scenarios/baseline_2016.toml --method morris --param weights.identity=0..2 \
    --param weights.economy=0..2 --param weights.alliance=0..2 --runs 30 --out "$O/morris" -q
  $B sensitivity scenarios/baseline_2016.toml --method sobol --param weights.identity=0..2 \
    --param weights.economy=0..2 --runs 10 --out "$O/sobol" -q
  $B landscape --sizes tests/data/landscape_syria_2016/sizes.csv \
    --propensity tests/data/landscape_syria_2016/propensity.csv --offset 3 > "$O/landscape.txt" 2>&1
  for s in 1 2 3; do
    $B run scenarios/baseline_2016.toml --runs 300 --seed 7 --shard $s/3 --out "$O/shards" -q $traj
  done
  $B merge "$O"/shards/* --out "$O/merged" -q
  $B report "$O/run/baseline-2016" "$O/run/japan-overtures" --out "$O/report.html" -q
  $B schema > "$O/schema.json"
  $B check scenarios/*.toml > "$O/check.txt" 2>&1
  for f in tests/bad_inputs/*.toml; do echo "== $f"; $B check "$f" 2>&1; echo "rc=$?"; done > "$O/bad.txt"
  $B run scenarios/baseline_2016.toml --runs 100 --out "$O/stdout-run" $traj > "$O/stdout-run.txt" 2>/dev/null
  $B run scenarios/baseline_2016.toml --runs 100 --out "$O/stdout-json" --json $traj > "$O/stdout-json.txt" 2>/dev/null
  $B compare scenarios/baseline_2016.toml scenarios/japan_overtures.toml --runs 100 \
    --out "$O/stdout-cmp" $traj > "$O/stdout-cmp.txt" 2>/dev/null
  $B sweep scenarios/sweeps/identity_economy.toml --runs 5 --dry-run > "$O/dry.txt" 2>&1
  find "$O" \( -name timing.json -o -name progress.json \) -delete
}

write "$old" "$work/old"
write "$new" "$work/new"
# Timings, and the folder each run wrote to, differ by nature.
normal() { sed -E "s#$work/(old|new)#OUT#g; s/[0-9.]+ s\b/T s/g; s/\"seconds\": [0-9.]+/\"seconds\": T/; s/estimated time: .*/EST/" "$1"; }
bad=0
for f in $(cd "$work/old" && find . -type f | sort); do
  if ! cmp -s "$work/old/$f" "$work/new/$f" && ! diff -q <(normal "$work/old/$f") <(normal "$work/new/$f") >/dev/null 2>&1; then
    echo "differs: $f"; bad=1
  fi
done
only=$(diff <(cd "$work/old" && find . -type f | sort) <(cd "$work/new" && find . -type f | sort))
[ -z "$only" ] || { echo "files in one but not the other:"; echo "$only"; bad=1; }
echo "$(cd "$work/old" && find . -type f | wc -l) files compared in $work; $([ $bad = 0 ] && echo identical || echo DIFFERENCES)"
exit $bad
