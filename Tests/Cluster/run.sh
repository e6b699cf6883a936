#!/usr/bin/env bash
# `make test-cluster`: the cluster tests against a real single-node Slurm.
#
# Installs slurm-wlm and munge when they are missing (apt-get, as root or through sudo), starts
# munged, slurmctld and slurmd on this host from a temporary directory (Tests/Cluster/slurm-local.sh),
# runs the Swift tests that need them (ClusterSlurmTests, enabled by LINDYN_SLURM=1), and stops
# every daemon it started, by pid, also when a test fails or the run is interrupted. Where Slurm
# cannot be installed or started the tests are skipped with a message, not failed. The last line
# is "N passed, N failed" (or the skip notice with "0 passed, 0 failed").
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
SWIFT=${SWIFT:-swift}
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
export PATH="$PATH:/usr/sbin:/sbin"

skip() {
    echo "cluster tests skipped: $1"
    echo "0 passed, 0 failed (skipped: $1)"
    exit 0
}

have_slurm() { command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; }

if ! have_slurm; then
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$SUDO" ]; }; then
        echo "Installing slurm-wlm and munge with apt-get..."
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update >/dev/null 2>&1 || true
        $SUDO apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null 2>&1 \
            || echo "apt-get could not install slurm-wlm and munge"
    fi
    have_slurm || skip "Slurm (slurm-wlm) and munge are not installed and could not be installed here"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lindyn-slurm.XXXXXX") || skip "no temporary directory"
status=1
cleanup() {
    Tests/Cluster/slurm-local.sh stop "$work/slurm"
    if [ "$status" = 0 ] && [ -z "${LINDYN_KEEP_CLUSTER_TEST:-}" ]; then rm -rf "$work"; else echo "cluster test files kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build first, so that the daemons do not wait on the compiler.
$SWIFT build --build-tests >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log"; echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$work/slurm"
out=$(Tests/Cluster/slurm-local.sh start "$work/slurm" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "$out"
    status=0
    [ $rc -eq 3 ] && skip "Slurm's daemons are not installed"
    skip "a single-node Slurm could not be started here (see the logs above)"
fi
export SLURM_CONF="$work/slurm/slurm.conf"
echo "Slurm running: $(sinfo -h -o '%P %D node(s) %c CPUs %T' 2>/dev/null) (config $SLURM_CONF)"

log="$work/test.log"
set -o pipefail
LINDYN_SLURM=1 LINDYN_SLURM_WORK="$work" $SWIFT test --skip-build --filter ClusterSlurmTests 2>&1 | tee "$log"
status=$?
set +o pipefail
if [ $status -ne 0 ]; then
    echo "cluster tests failed; Slurm's state and logs follow"
    squeue 2>&1 | head -20
    sinfo -N -l 2>&1 | head -10
    Tests/Cluster/slurm-local.sh logs "$work/slurm"
fi
passed=$(grep '✔ Test .* passed' "$log" | grep -vc 'Test run with' || true)
failed=$(grep '✘ Test .* failed' "$log" | grep -vc 'Test run with' || true)
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi
if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
    echo "no cluster test ran"; status=1; failed=1
fi
echo "$passed passed, $failed failed"
exit $status
