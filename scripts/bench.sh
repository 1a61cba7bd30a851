#!/usr/bin/env bash
# The scaling study of docs/PERFORMANCE.md. Builds once, then prints:
#   1. baseline throughput on 1 and 2 threads and the parallel efficiency,
#   2. nanoseconds per directed-pair-tick for 6, 12, 24 and 48 actors,
#   3. landscape: the criterion benches of one bloc classification (12, 24,
#      40 actors; branch and bound cold and warm, exhaustive search), and `entente run` of a synthetic 24-actor world (every
#      pair with trade and a relation), by this tree and, with BEFORE=<git
#      revision>, by that revision side by side,
#   4. peak memory (maximum resident set) of `entente run` for 10^4, 10^5
#      and 10^6 runs, measured with GNU time (Debian package `time`),
#   5. versus: `entente run` of the baseline on one core for each
#      --trajectories mode against two NumPy implementations vectorized over
#      runs (../shared/reference/batch_numpy.py, model v1, and
#      scripts/model_check/numpy_v2.py, model v2) in the same session,
#      interleaved, best of VERSUS_REPEATS; not part of `all` (it installs
#      NumPy if missing).
#
# Usage: scripts/bench.sh [throughput|pairs|landscape|memory|versus]   (default: all but versus)
# Environment:
#   MEMORY_RUNS   run counts for the memory table (default "10000 100000 1000000")
#   MEMORY_TICKS  ticks (at least 18, the longest event) of the baseline overlay
#                 used for the memory table
#                 (default 24: memory does not depend on the run count, and a
#                 short horizon keeps 10^6 runs to a few minutes; use 60 for
#                 the baseline itself)
#   THREADS       threads for the memory runs (default: all cores)
#   BEFORE        git revision to time against in the landscape table (built
#                 in a temporary worktree, target in target/bench-before)
#   LANDSCAPE_RUNS  runs of the 24-actor world (default 10000)
#   VERSUS_RUNS   runs of each versus timing (default 20000)
#   VERSUS_REPEATS  timings of each versus contender, the best kept (default 3)
#   REFERENCE     the NumPy script (default ../shared/reference/batch_numpy.py)
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
memory_runs="${MEMORY_RUNS:-10000 100000 1000000}"
memory_ticks="${MEMORY_TICKS:-24}"

# versus needs only the binary; the example would build the dev-dependencies.
targets=(--bin entente)
if [ "$which" != versus ]; then targets+=(--example scaling); fi
cargo build --release --quiet "${targets[@]}"
bin=target/release/entente

echo "# Entente scaling study"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# examples/scaling.rs's landscape table predates the branch and bound (its
# "global minimum" column now times it), so the landscape mode uses criterion.
if [ "$which" != memory ] && [ "$which" != landscape ] && [ "$which" != versus ]; then
    target/release/examples/scaling "$which"
fi

# The synthetic world of examples/scaling.rs (`synthetic`), written as a
# scenario file: the same weight ranges, numbers and events, `n` actors.
synthetic_world() {
    awk -v n="$1" 'function unit(k) { return (k * 0.61803398875) - int(k * 0.61803398875) }
    BEGIN {
        printf "[scenario]\nname = \"synthetic-%d\"\nticks = 60\nwindow = 12\nseed = 1\n", n
        print "triangles = [[\"A0\", \"A1\", \"A2\"]]"
        print "[model]\neta = 0.15\nnoise = 0.04\ninitial_noise = 0.05\n[economy]\nvolatility = 0.06"
        print "[weights]\nbalance = { uniform = [0.2, 1.2] }\neconomy = { uniform = [0.0, 1.5] }"
        print "asymmetry = { uniform = [0.0, 1.0] }\nidentity = { uniform = [0.0, 1.5] }"
        print "alliance = { uniform = [0.3, 1.5] }\ndispute = { uniform = [0.3, 1.5] }"
        print "sanctions = { uniform = [0.3, 1.5] }\nreciprocity = { uniform = [0.0, 1.0] }"
        print "[identity.un]\nmin = -1.5\nmax = 3.0\n[identity.order]\nmin = -1.0\nmax = 1.0"
        for (a = 0; a < n; a++)
            printf "[[actors]]\nid = \"A%d\"\ngdp = %.17g\ngdp_growth = %.17g\nmilitary = %.17g\nenergy_rent = %.17g\nidentity = { un = %.17g, order = %.17g }\n",
                a, 100 + 18000 * unit(a + 1), 0.06 * unit(a + 2) - 0.01, 10 + 600 * unit(a + 3),
                0.2 * unit(a + 4) - 0.04, -1.5 + 4.5 * unit(a + 5), -1 + 2 * unit(a + 6)
        for (a = 0; a < n; a++) for (b = a + 1; b < n; b++) {
            k = a * n + b
            printf "[[dyads]]\npair = [\"A%d\", \"A%d\"]\ntrade = %.17g\nenergy_share = %.17g\ndispute = %s\nalliance = %s\nrelation = %.17g\n",
                a, b, 1 + 600 * unit(k), 0.5 * unit(k + 7), (k % 5 == 0 ? "0.5" : "0.0"),
                (k % 7 == 0 ? "1.0" : "0.0"), -0.5 + unit(k + 11)
        }
        print "[[events]]\nkind = \"sanctions\"\nimposers = [\"A0\", \"A1\"]\ntarget = \"A2\"\nstart = 0\nintensity = 0.4\ncoverage = 0.1"
        print "[[events]]\nkind = \"dispute\"\npair = [\"A0\", \"A1\"]\nlevel = 0.8\nprobability = 0.02\nduration = 12"
        print "[[events]]\nkind = \"dispute\"\npair = [\"A2\", \"A3\"]\nlevel = 0.9\nprobability = 0.01\nduration = 18"
    }'
}

if [ "$which" = all ] || [ "$which" = landscape ]; then
    tmp_landscape="$(mktemp -d)"
    trap 'rm -rf "$tmp_landscape"' EXIT
    bins=("this tree:$bin")
    if [ -n "${BEFORE:-}" ]; then
        git worktree add --detach --force "$tmp_landscape/before" "$BEFORE" >/dev/null 2>&1
        CARGO_TARGET_DIR="$PWD/target/bench-before" \
            cargo build --release --quiet --bin entente --manifest-path "$tmp_landscape/before/Cargo.toml"
        git worktree remove --force "$tmp_landscape/before"
        bins+=("$BEFORE:target/bench-before/release/entente")
    fi
    echo "## Bloc classification, one run each (criterion, 1 thread)"
    echo
    cargo bench --quiet --bench engine -- landscape 2>&1 | grep -E '^landscape|time:'
    echo
    runs="${LANDSCAPE_RUNS:-10000}"
    synthetic_world 24 > "$tmp_landscape/synthetic24.toml"
    echo "## \`entente run\` of the synthetic 24-actor world ($runs runs, $(nproc) threads)"
    echo
    echo "| build | seconds | runs/s |"
    echo "|---|---|---|"
    for entry in "${bins[@]}"; do
        label="${entry%%:*}" exe="${entry#*:}"
        "$exe" run "$tmp_landscape/synthetic24.toml" --runs "$runs" --out "$tmp_landscape/out" --force --quiet
        secs=$(awk -F': ' '/"seconds"/ {gsub(/[ ,]/, "", $2); print $2}' "$tmp_landscape/out/synthetic-24/timing.json")
        echo "| $label | $secs | $(awk "BEGIN {printf \"%.0f\", $runs / $secs}") |"
        rm -rf "$tmp_landscape/out"
    done
    echo
fi

if [ "$which" = all ] || [ "$which" = memory ]; then
    if [ ! -x /usr/bin/time ]; then
        echo "peak memory needs GNU time: apt-get install time" >&2
        exit 1
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    cat > "$tmp/memory.toml" <<TOML
extends = "$PWD/scenarios/baseline_2016.toml"
[scenario]
name = "memory"
ticks = $memory_ticks
window = 12
TOML
    threads=()
    if [ -n "${THREADS:-}" ]; then threads=(--threads "$THREADS"); fi
    echo "## Peak memory of \`entente run\` (baseline, $memory_ticks ticks, trajectories recorded)"
    echo
    echo "| runs | seconds | runs/s | peak memory (MB) |"
    echo "|---|---|---|---|"
    for runs in $memory_runs; do
        /usr/bin/time -v -o "$tmp/time.txt" "$bin" run "$tmp/memory.toml" --runs "$runs" \
            --out "$tmp/out" --force --quiet ${threads[@]+"${threads[@]}"}
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
        secs=$(awk -F': ' '/"seconds"/ {gsub(/[ ,]/, "", $2); print $2}' "$tmp/out/memory/timing.json")
        echo "| $runs | $secs | $(awk "BEGIN {printf \"%.0f\", $runs / $secs}") | $(awk "BEGIN {printf \"%.1f\", $kb / 1024}") |"
    done
    echo
fi

# Runs per second per core, side by side: each contender once per round,
# rounds interleaved so that the shared machine's load falls on all alike,
# the best round kept. "simulation" is the time the program reports for the
# runs alone (entente's timing.json, the script's --time line); "command" is
# the wall time of the whole command, start-up and (for entente) every file
# and chart included.
if [ "$which" = versus ]; then
    # Two NumPy programs, both vectorized over runs with a Python loop over
    # ticks: the yardstick of issue 16 (model v1, fewer mechanisms, so
    # cheaper per run) and scripts/model_check's independent implementation
    # of model v2 (the model entente runs).
    reference="${REFERENCE:-../shared/reference/batch_numpy.py}"
    references=(numpy_v1:"$reference" numpy_v2:scripts/model_check/numpy_v2.py)
    runs="${VERSUS_RUNS:-20000}"
    repeats="${VERSUS_REPEATS:-3}"
    if ! python3 -c 'import numpy' 2>/dev/null; then
        pip install --quiet numpy 2>&1 | grep -v 'as the .root. user' >&2 || true
    fi
    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    tmp_versus="$(mktemp -d)"
    trap 'rm -rf "$tmp_versus"' EXIT
    modes=(all charts none)
    declare -A best_sim best_wall
    keep_best() { # name, simulation seconds, wall seconds
        if [ -z "${best_sim[$1]:-}" ] || awk "BEGIN {exit !($2 < ${best_sim[$1]})}"; then
            best_sim[$1]=$2
        fi
        if [ -z "${best_wall[$1]:-}" ] || awk "BEGIN {exit !($3 < ${best_wall[$1]})}"; then
            best_wall[$1]=$3
        fi
    }
    for _ in $(seq "$repeats"); do
        for mode in "${modes[@]}"; do
            start=$(date +%s.%N)
            "$bin" run scenarios/baseline_2016.toml --runs "$runs" --threads 1 \
                --trajectories "$mode" --out "$tmp_versus/out" --force --quiet
            wall=$(awk "BEGIN {print $(date +%s.%N) - $start}")
            secs=$(awk -F': ' '/"seconds"/ {gsub(/[ ,]/, "", $2); print $2}' "$tmp_versus/out/baseline-2016/timing.json")
            keep_best "$mode" "$secs" "$wall"
            rm -rf "$tmp_versus/out"
        done
        for entry in "${references[@]}"; do
            name="${entry%%:*}" script="${entry#*:}"
            start=$(date +%s.%N)
            line=$(python3 "$script" scenarios/baseline_2016.toml --runs "$runs" --time | grep -m1 ' runs/s')
            wall=$(awk "BEGIN {print $(date +%s.%N) - $start}")
            # "# <name>: <runs> runs, [chunk <c>, ]<secs> s, <rate> runs/s..."
            secs=$(echo "$line" | sed -E 's/.*, ([0-9.]+) s, .*/\1/')
            keep_best "$name" "$secs" "$wall"
        done
    done
    rate() { awk "BEGIN {printf \"%.0f\", $runs / $1}"; }
    ratio() { awk "BEGIN {printf \"%.1f\", $2 / $1}"; }
    echo "## Baseline, $runs runs, one core: entente against NumPy (best of $repeats, interleaved)"
    echo
    echo "Simulation: the time the program reports for its runs; command: wall time of the whole"
    echo "command (reading, charts, files; Python's start and imports)."
    echo
    echo "| program | runs/s, simulation | runs/s, command | × NumPy v1, simulation | × NumPy v2, simulation | × NumPy v1, command | × NumPy v2, command |"
    echo "|---|---|---|---|---|---|---|"
    for name in "${modes[@]}" numpy_v1 numpy_v2; do
        label="entente run --trajectories $name"
        [ "$name" = numpy_v1 ] && label="batch_numpy.py (model v1)"
        [ "$name" = numpy_v2 ] && label="numpy_v2.py (model v2)"
        echo "| $label | $(rate "${best_sim[$name]}") | $(rate "${best_wall[$name]}") |" \
            "$(ratio "${best_sim[$name]}" "${best_sim[numpy_v1]}") | $(ratio "${best_sim[$name]}" "${best_sim[numpy_v2]}") |" \
            "$(ratio "${best_wall[$name]}" "${best_wall[numpy_v1]}") | $(ratio "${best_wall[$name]}" "${best_wall[numpy_v2]}") |"
    done
    echo
fi
