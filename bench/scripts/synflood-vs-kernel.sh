#!/usr/bin/env bash
# A spoofed SYN flood answered with SYN cookies: by the Wirespeed SYN proxy and by the Linux kernel,
# side by side on one lab in one run. hping3 in c1 floods 198.18.0.100:80 from random sources for
# SECS seconds (as fast as it can: --flood), and the answering side counts the cookies it sent:
#   ws-synproxy  the daemon in the lb namespace, full-NAT service with -j enable (wsctl stats synproxy)
#   kernel       the lb namespace's own kernel, the VIP on port0, a listener on VIP:80 and
#                net.ipv4.tcp_syncookies=2 (a cookie for every SYN, no SYN queue; nstat TcpExtSyncookiesSent)
# and prints, per side, the median over RUNS runs of SYNs sent (hping3's count), cookies answered and
# cookies per second. Both sides route the SYN-ACKs to the spoofed sources the same way: a default
# route back to c1, which drops them (the kernel counts no cookie for a SYN it has no route to
# answer). hping3 is one process on one of the two cores: its rate bounds both sides.
#
# usage: bench/scripts/synflood-vs-kernel.sh [RUNS] [SECS]   (root; run ./mvnw -DskipTests package first)
set -Eeuo pipefail
trap 'echo "synflood-vs-kernel.sh: line $LINENO: command failed: $BASH_COMMAND" >&2' ERR

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-3}
SECS=${2:-5}
[[ $RUNS =~ ^[1-9][0-9]*$ && $SECS =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS] [SECS]" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "synflood-vs-kernel.sh: must run as root (network namespaces)" >&2; exit 1; }
command -v hping3 >/dev/null || apt-get install -y hping3 >/dev/null
[[ -f $ROOT/control/target/wirespeed-control-0.1.0-SNAPSHOT.jar ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }

readonly P=wssynfl
readonly VIP=198.18.0.100
readonly SOCK=/run/wirespeed/$P.sock
WORK=$(mktemp -d /tmp/synflood-vs-kernel-XXXX)
DAEMON=
LISTENER=

log() { echo "synflood-vs-kernel: $*" >&2; }
wsctl() { "$ROOT/bin/wsctl" -s "$SOCK" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

cleanup() {
    [[ -n $DAEMON ]] && { kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null || true; }
    [[ -n $LISTENER ]] && { kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null || true; }
    "$ROOT/lab/lab.sh" down $P >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# hping3 --flood for SECS seconds; prints the number of SYNs it sent (its statistics, on SIGINT).
flood() {
    ip netns exec $P-c1 timeout -s INT "$SECS" hping3 -S -p 80 --flood --rand-source $VIP 2>&1 |
        awk '/packets transmitted/ {print $1}' || true
}

ws_cookies() { wsctl stats synproxy | awk '$1 == "total" {print $2}'; }
kernel_cookies() { ip netns exec $P-lb nstat -az TcpExtSyncookiesSent | awk '$1 == "TcpExtSyncookiesSent" {print $2}'; }

# One run: SYNs sent, cookies answered, cookies/s (from the answering side's counter).
run() {
    local counter=$1 before after sent
    before=$($counter)
    sent=$(flood)
    sleep 0.5
    after=$($counter)
    echo "${sent:-0} $((after - before)) $(((after - before) / SECS))"
}

measure() {
    local name=$1 counter=$2 i
    run "$counter" >/dev/null # warm-up, unmeasured
    for ((i = 0; i < RUNS; i++)); do run "$counter"; done >"$WORK/$name"
    printf '%-12s %12s %12s %12s\n' "$name" "$(cut -d' ' -f1 "$WORK/$name" | median)" \
        "$(cut -d' ' -f2 "$WORK/$name" | median)" "$(cut -d' ' -f3 "$WORK/$name" | median)"
}

"$ROOT/lab/lab.sh" up $P >/dev/null
printf '%-12s %12s %12s %12s\n' side syns_sent cookies cookies_per_s

# ---- the Wirespeed SYN proxy ----
sed -e "s#/run/wirespeed/lab.sock#$SOCK#" "$ROOT/lab/wirespeed-lab.yaml" >"$WORK/wirespeed.yaml"
ip netns exec $P-lb "$ROOT/bin/wirespeed" --config "$WORK/wirespeed.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 100); do [[ -S $SOCK ]] && wsctl worker stats >/dev/null 2>&1 && break; sleep 0.2; done
wsctl ip addr add $VIP/32 dev port0
wsctl ip addr add 198.19.0.100/32 dev port1
wsctl ip route add 0.0.0.0/0 via 198.18.0.2
wsctl lb -A -t $VIP:80 -s rr -j enable
wsctl lb -a -t $VIP:80 -r 198.19.0.11:80 -b
wsctl lb --add-laddr -z 198.19.0.100 -t $VIP:80 -F port1
measure ws-synproxy ws_cookies
# Where the SYNs it did not answer went: the port's counters (rx_kernel_drops: AF_PACKET's ring was full).
wsctl stats | grep -E "rx_packets|^ *port0 " >&2 || wsctl stats >&2
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null || true; DAEMON=

# ---- the kernel's SYN cookies, in the same namespace ----
ip -n $P-lb addr add 198.18.0.1/24 dev port0
ip -n $P-lb addr add $VIP/32 dev port0
ip -n $P-lb route add default via 198.18.0.2
ip netns exec $P-lb sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.port0.rp_filter=0
ip netns exec $P-lb python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$VIP', 80)); s.listen(4096); time.sleep(3600)" &
LISTENER=$!
sleep 0.5
measure kernel kernel_cookies
