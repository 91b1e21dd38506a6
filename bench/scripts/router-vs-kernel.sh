#!/usr/bin/env bash
# Routes iperf3 traffic c1 -> c2 through the lab's lb namespace twice in one run: once with the
# kernel's own IPv4 forwarding, once with Wirespeed (afpacket ports), and prints medians.
# usage: bench/scripts/router-vs-kernel.sh [RUNS] [SECONDS]     (root; builds nothing: run ./mvnw package first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-5}
SECS=${2:-5}
P=wsbench
SOCK=/run/wirespeed/$P.sock
CFG=$(mktemp /tmp/wsbench-XXXX.yaml)
DAEMON=
cleanup() {
    [[ -n $DAEMON ]] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    "$ROOT/lab/lab.sh" down $P >/dev/null 2>&1 || true
    rm -f "$CFG"
}
trap cleanup EXIT INT TERM

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one measurement: prints "tcp_gbps udp64_rx_pps" for one run
measure() {
    ip netns exec $P-c2 iperf3 -s -D -1 -p 5301 >/dev/null
    sleep 0.3
    local tcp
    tcp=$(ip netns exec $P-c1 iperf3 -c 198.18.1.2 -p 5301 -t "$SECS" -J | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9,3))')
    ip netns exec $P-c2 iperf3 -s -D -1 -p 5302 >/dev/null
    sleep 0.3
    local udp
    udp=$(ip netns exec $P-c1 iperf3 -c 198.18.1.2 -p 5302 -u -l 18 -b 0 -t "$SECS" -J | python3 -c '
import json,sys
e=json.load(sys.stdin)["end"]["sum"]
print(int((e["packets"]-e["lost_packets"])/e["seconds"]))')
    echo "$tcp $udp"
}

"$ROOT/lab/lab.sh" up $P >/dev/null
ip netns exec $P-c1 ping -c1 -W1 198.18.0.1 >/dev/null 2>&1 || true

run_mode() {
    local mode=$1 tcps=() udps=() i r
    for ((i = 0; i < RUNS; i++)); do
        r=$(measure)
        tcps+=("${r% *}")
        udps+=("${r#* }")
    done
    echo "$mode tcp_gbps median $(printf '%s\n' "${tcps[@]}" | median) runs ${tcps[*]}"
    echo "$mode udp_64B_rx_pps median $(printf '%s\n' "${udps[@]}" | median) runs ${udps[*]}"
}

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

# wirespeed: same namespaces, the daemon owns the ports
sed "s#/run/wirespeed/lab.sock#$SOCK#" "$ROOT/lab/wirespeed-lab.yaml" >"$CFG"
ip netns exec $P-lb "$ROOT/bin/wirespeed" --config "$CFG" >/tmp/wsbench-daemon.log 2>&1 &
DAEMON=$!
for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.2; done
ip netns exec $P-c1 ping -c1 -W2 198.18.1.2 >/dev/null
run_mode wirespeed
"$ROOT/bin/wsctl" -s "$SOCK" worker stats
