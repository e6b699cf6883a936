#!/usr/bin/env bash
# Start-up benchmark: whole-process time of the release `lindyn` against a baseline build, side
# by side, alternating, in one run.
#
#   Validation/bench/startup.sh [--baseline REV | --baseline-binary FILE] [--calls N] [--rounds K]
#
# The baseline is the release build of git revision REV (default: the last commit before
# start-up work, 150cac2, whose binary links the Swift runtime, Foundation and OpenBLAS
# dynamically), built in a temporary worktree, or an already built `lindyn` binary. Each round
# times N calls of
#   lindyn --version              (start-up alone; --help on a baseline without --version)
#   lindyn solve mode.json        (a small solve: one mode, 11 outputs, as a shell loop would)
#   lindyn solve -- mode.json     (the same through the argument parser, not the fast path)
# for the current build and the baseline in turn, and prints the per-call times, their ratio
# (baseline / current: above 1 means the current build is faster) and the machine's load.
# The figures are recorded in Notes/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

baseline=150cac2
base_bin=
calls=1000
rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
        --baseline) baseline=$2; shift 2 ;;
        --baseline-binary) base_bin=$2; shift 2 ;;
        --calls) calls=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "startup.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    esac
done
case "$calls$rounds" in *[!0-9]*|"") echo "startup.sh: --calls and --rounds take positive integers" >&2; exit 64 ;; esac

make -s release >/dev/null
current=.build/release/lindyn

work=$(mktemp -d)
trap 'git worktree remove --force "$work/baseline" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ -z "$base_bin" ]; then
    git worktree add -q --detach "$work/baseline" "$baseline"
    (cd "$work/baseline" && swift build -c release --product lindyn >/dev/null 2>&1)
    base_bin="$work/baseline/.build/release/lindyn"
else
    baseline="$base_bin"
fi
[ -x "$base_bin" ] || { echo "startup.sh: no baseline binary at $base_bin" >&2; exit 66; }

problem="$work/mode.json"
cat >"$problem" <<'JSON'
{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 1}, "time": {"end": 10, "points": 11}}
JSON

version_args() { if "$1" --version >/dev/null 2>&1; then echo --version; else echo --help; fi; }

# Seconds per call of N runs of "$@" (output discarded).
per_call() {
    local n=$1; shift
    local start end
    start=$(date +%s.%N)
    local i
    for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s.%N)
    echo "$start $end $n" | awk '{printf "%.6f", ($2 - $1) / $3}'
}

echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "current:  $current ($(ldd "$current" | grep -c 'libswift\|libFoundation' || true) Swift libraries loaded dynamically)"
echo "baseline: $baseline ($(ldd "$base_bin" | grep -c 'libswift\|libFoundation' || true) Swift libraries loaded dynamically)"
cur_v=$(version_args "$current"); base_v=$(version_args "$base_bin")
printf '%-8s %-22s %12s %12s %8s\n' round case current_ms baseline_ms ratio
for ((r = 1; r <= rounds; r++)); do
    for case in version solve solve-via-parser; do
        if [ "$case" = version ]; then
            c=$(per_call "$calls" "$current" $cur_v); b=$(per_call "$calls" "$base_bin" $base_v)
        elif [ "$case" = solve ]; then
            c=$(per_call "$calls" "$current" solve "$problem"); b=$(per_call "$calls" "$base_bin" solve "$problem")
        else
            # The same solve with `--` before the file: the current build then takes the
            # argument parser's path instead of its fast path (Sources/LindynCLI/FastPath.swift).
            c=$(per_call "$calls" "$current" solve -- "$problem"); b=$(per_call "$calls" "$base_bin" solve -- "$problem")
        fi
        awk -v r="$r" -v k="$case" -v c="$c" -v b="$b" \
            'BEGIN {printf "%-8s %-22s %12.3f %12.3f %8.2f\n", r, k, c * 1000, b * 1000, b / c}'
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
