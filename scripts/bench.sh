#!/usr/bin/env bash
# The scaling study of docs/PERFORMANCE.md. Builds once, then prints:
#   1. baseline throughput on 1 and 2 threads and the parallel efficiency,
#   2. nanoseconds per directed-pair-tick for 6, 12, 24 and 48 actors,
#   3. exhaustive landscape search time against the number of actors,
#   4. peak memory (maximum resident set) of `entente run` for 10^4, 10^5
#      and 10^6 runs, measured with GNU time (Debian package `time`).
#
# Usage: scripts/bench.sh [throughput|pairs|landscape|memory]   (default: all)
# Environment:
#   MEMORY_RUNS   run counts for the memory table (default "10000 100000 1000000")
#   MEMORY_TICKS  ticks (at least 18, the longest event) of the baseline overlay
#                 used for the memory table
#                 (default 24: memory does not depend on the run count, and a
#                 short horizon keeps 10^6 runs to a few minutes; use 60 for
#                 the baseline itself)
#   THREADS       threads for the memory runs (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
memory_runs="${MEMORY_RUNS:-10000 100000 1000000}"
memory_ticks="${MEMORY_TICKS:-24}"

cargo build --release --quiet --bin entente --example scaling
bin=target/release/entente

echo "# Entente scaling study"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [ "$which" != memory ]; then
    target/release/examples/scaling "$which"
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
