#!/usr/bin/env bash
# A single-node Slurm on this machine, for the cluster tests: munged, slurmctld and slurmd run as
# the current user (root) from a private directory, on free ports, with a slurm.conf naming this
# host and its cores. Nothing outside DIR is touched.
#
#   slurm-local.sh start DIR   start the daemons; prints SLURM_CONF=DIR/slurm.conf on success
#   slurm-local.sh stop DIR    stop every daemon started in DIR, by the pid recorded there
#   slurm-local.sh logs DIR    print the daemons' logs
#
# start exits 0 when the node is idle and accepts jobs, 3 when Slurm or munge is not installed,
# and 4 when a daemon did not come up (its log is printed).
set -u

die() { echo "slurm-local: $1" >&2; exit "${2:-4}"; }

logs() {
    local dir=$1
    for f in "$dir"/munge/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
        [ -f "$f" ] || continue
        echo "----- $f (last 60 lines) -----"
        tail -n 60 "$f"
    done
}

stop() {
    local dir=$1 name pid
    for name in slurmd slurmctld munged; do
        [ -f "$dir/$name.pid.local" ] || continue
        pid=$(cat "$dir/$name.pid.local")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        fi
        rm -f "$dir/$name.pid.local"
    done
}

# A TCP port nobody listens on, from a range Slurm does not use by default.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$(( 20000 + RANDOM % 20000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    return 1
}

# Waits up to $2 tenths of a second for command $1 to succeed.
wait_for() {
    local i
    for i in $(seq 1 "$2"); do
        eval "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

start() {
    local dir=$1
    for tool in munged slurmctld slurmd sbatch squeue scontrol; do
        command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 \
            || die "$tool not found (install slurm-wlm and munge)" 3
    done
    export PATH="$PATH:/usr/sbin:/sbin"
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" || die "cannot create $dir"
    chmod 700 "$dir" "$dir/munge"
    dir=$(cd "$dir" && pwd)
    # munge: a fresh key, its own socket.
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none || die "cannot write the munge key"
    chmod 600 "$dir/munge/munge.key"
    local socket="$dir/munge/munge.socket.2"
    munged --foreground --force --socket="$socket" --key-file="$dir/munge/munge.key" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" >"$dir/munge/munged.out" 2>&1 &
    echo $! >"$dir/munged.pid.local"
    wait_for "[ -S '$socket' ]" 100 || { logs "$dir"; cat "$dir/munge/munged.out" >&2; die "munged did not start"; }

    local host cpus memory ctl_port d_port
    host=$(hostname -s)
    cpus=$(getconf _NPROCESSORS_ONLN)
    # Slurm's own reading of the node (memory in MB), less a margin so the node is never refused.
    memory=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    [ -n "$memory" ] || memory=1024
    memory=$(( memory * 9 / 10 ))
    ctl_port=$(free_port) || die "no free port"
    d_port=$(free_port) || die "no free port"
    cat >"$dir/slurm.conf" <<CONF
ClusterName=lindyn-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -D -c -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
    echo $! >"$dir/slurmctld.pid.local"
    wait_for "scontrol ping | grep -q UP" 150 || { logs "$dir"; cat "$dir/slurmctld.out" >&2; die "slurmctld did not answer"; }
    slurmd -D -f "$SLURM_CONF" >"$dir/slurmd.out" 2>&1 &
    echo $! >"$dir/slurmd.pid.local"
    wait_for "sinfo -h -n '$host' -o %T | grep -Eq '^(idle|mixed|allocated)'" 200 \
        || { sinfo -N -l >&2; logs "$dir"; cat "$dir/slurmd.out" >&2; die "slurmd did not register the node"; }
    echo "SLURM_CONF=$SLURM_CONF"
}

case "${1:-}" in
    start) [ $# -eq 2 ] || die "usage: $0 start DIR" 64; start "$2" ;;
    stop) [ $# -eq 2 ] || die "usage: $0 stop DIR" 64; stop "$2" ;;
    logs) [ $# -eq 2 ] || die "usage: $0 logs DIR" 64; logs "$2" ;;
    *) die "usage: $0 start|stop|logs DIR" 64 ;;
esac
