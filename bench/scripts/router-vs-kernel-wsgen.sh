#!/usr/bin/env bash
# Routes wsgen traffic c1 -> c2 through the lab's lb namespace, once with the kernel's own IPv4
# forwarding and once with the Wirespeed daemon per driver (afpacket; afxdp too when the driver
# exists), flat out at 64 and 1518-byte frames, and prints medians of received pps, sent pps and CPU.
# usage: bench/scripts/router-vs-kernel-wsgen.sh [RUNS] [SECONDS]   (root; run ./mvnw -DskipTests package first)
# env:   TX_CPU (default 1) pins wsgen's sender; RX_CPU (default: unpinned) its receiver;
#        WORKERS (default 1): 2 runs the daemon with two workers on cores 0 and 1 and two queues per
#        port (the lab's veths get two queues too; the kernel runs are the same either way).
#
# CPU columns, in % of one core over the measured seconds: "daemon" is the Wirespeed process
# (/proc/PID/stat utime+stime, 0 in kernel mode), "softirq" the ksoftirqd threads, "busy" the whole
# machine from /proc/stat (everything, other users of the machine included: compare within a run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-5}
SECS=${2:-5}
TX_CPU=${TX_CPU:-1}
RX_CPU=${RX_CPU:-}
SIZES=(64 1518)
P=wsgbench
SOCK=/run/wirespeed/$P.sock
CFG=$(mktemp /tmp/wsgbench-XXXX.yaml)
HZ=$(getconf CLK_TCK)
DAEMON=
stop_daemon() {
    if [[ -n $DAEMON ]]; then
        kill "$DAEMON" 2>/dev/null || true
        wait "$DAEMON" 2>/dev/null || true
        DAEMON=
    fi
}
cleanup() {
    stop_daemon
    "$ROOT/lab/lab.sh" down $P >/dev/null 2>&1 || true
    rm -f "$CFG"
}
trap cleanup EXIT INT TERM

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# CPU ticks (utime+stime) of one process with all its threads; 0 for no process.
proc_ticks() { [[ -n ${1:-} && -r /proc/$1/stat ]] && awk '{print $14+$15}' "/proc/$1/stat" || echo 0; }
softirq_ticks() {
    local t=0 pid
    for pid in $(pgrep '^ksoftirqd/' || true); do t=$((t + $(proc_ticks "$pid"))); done
    echo $t
}
busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }

# One run: prints "rx_pps tx_pps daemon% softirq% busy%".
measure() {
    local size=$1 out d0 s0 b0 t0 d1 s1 b1 t1
    local rx_pin=()
    [[ -n $RX_CPU ]] && rx_pin=(--rx-cpu "$RX_CPU")
    d0=$(proc_ticks "$DAEMON"); s0=$(softirq_ticks); b0=$(busy_ticks); t0=$(date +%s.%N)
    out=$("$ROOT/bin/wsgen" --tx-netns $P-c1 --tx-dev eth0 --rx-netns $P-c2 --rx-dev eth0 --dst-ip 198.18.1.2 \
        --size "$size" --flows 16 --warmup 1 --duration "$SECS" --tx-cpu "$TX_CPU" "${rx_pin[@]}" --json)
    d1=$(proc_ticks "$DAEMON"); s1=$(softirq_ticks); b1=$(busy_ticks); t1=$(date +%s.%N)
    python3 - "$out" "$d0" "$d1" "$s0" "$s1" "$b0" "$b1" "$t0" "$t1" "$HZ" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
d0, d1, s0, s1, b0, b1 = map(int, sys.argv[2:8])
secs = float(sys.argv[9]) - float(sys.argv[8])  # the whole wsgen process: warm-up and JVM start too
hz = int(sys.argv[10])
pct = lambda ticks: round(100.0 * ticks / hz / secs, 1)
print(int(r["rx_pps"]), int(r["tx_pps"]), pct(d1 - d0), pct(s1 - s0), pct(b1 - b0))
PY
}

run_mode() {
    local mode=$1 size i r rx tx dcpu scpu bcpu
    for size in "${SIZES[@]}"; do
        rx=() tx=() dcpu=() scpu=() bcpu=()
        for ((i = 0; i < RUNS; i++)); do
            read -r -a r <<<"$(measure "$size")"
            rx+=("${r[0]}") tx+=("${r[1]}") dcpu+=("${r[2]}") scpu+=("${r[3]}") bcpu+=("${r[4]}")
        done
        echo "$mode ${size}B rx_pps median $(printf '%s\n' "${rx[@]}" | median) runs ${rx[*]}"
        echo "$mode ${size}B tx_pps median $(printf '%s\n' "${tx[@]}" | median) runs ${tx[*]}"
        echo "$mode ${size}B cpu% median daemon $(printf '%s\n' "${dcpu[@]}" | median) softirq $(printf '%s\n' "${scpu[@]}" | median) busy $(printf '%s\n' "${bcpu[@]}" | median)"
    done
}

[[ ${WORKERS:-1} == 2 ]] && export WS_LAB_QUEUES=2
"$ROOT/lab/lab.sh" up $P >/dev/null

# kernel: the lb namespace routes with its own stack
ip -n $P-lb addr add 198.18.0.1/24 dev port0
ip -n $P-lb addr add 198.18.1.1/24 dev port2
ip netns exec $P-lb sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.port0.rp_filter=0 \
    net.ipv4.conf.port2.rp_filter=0
ip netns exec $P-c1 ping -c1 -W2 198.18.1.2 >/dev/null
run_mode kernel
ip -n $P-lb addr flush dev port0
ip -n $P-lb addr flush dev port2
ip netns exec $P-lb sysctl -qw net.ipv4.ip_forward=0
ip netns exec $P-c1 ip neigh flush all
ip netns exec $P-c2 ip neigh flush all

# wirespeed: same namespaces, the daemon owns the ports, one run per driver
drivers=(afpacket)
[[ -d $ROOT/drivers/src/main/java/io/wirespeed/drivers/afxdp ]] && drivers+=(afxdp)
mkdir -p /run/wirespeed
WORKERS=${WORKERS:-1}
for driver in "${drivers[@]}"; do
    if [[ $WORKERS == 2 ]]; then
        sed -e "s#/run/wirespeed/lab.sock#$SOCK#" -e "s#driver: afpacket,#driver: $driver, queues: 2,#" \
            -e "s#workers: {cores: \[0\]}#workers: {cores: [0, 1]}#" "$ROOT/lab/wirespeed-lab.yaml" >"$CFG"
    else
        sed -e "s#/run/wirespeed/lab.sock#$SOCK#" -e "s#driver: afpacket#driver: $driver#" "$ROOT/lab/wirespeed-lab.yaml" >"$CFG"
    fi
    ip netns exec $P-lb "$ROOT/bin/wirespeed" --config "$CFG" >"/tmp/wsgbench-daemon-$driver.log" 2>&1 &
    DAEMON=$!
    for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.2; done
    [[ -S $SOCK ]] || { echo "daemon ($driver) did not start: see /tmp/wsgbench-daemon-$driver.log" >&2; exit 1; }
    ip netns exec $P-c1 ping -c1 -W2 198.18.1.2 >/dev/null
    run_mode "wirespeed-$driver-w${WORKERS}"
    "$ROOT/bin/wsctl" -s "$SOCK" worker stats
    stop_daemon
    ip netns exec $P-c1 ip neigh flush all
    ip netns exec $P-c2 ip neigh flush all
done
