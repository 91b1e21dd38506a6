#!/usr/bin/env bash
# HTTP through the Wirespeed load balancer and through its peers, side by side on one lab in one run:
# wrk in c1 (-t1 -c32, keep-alive and 'Connection: close') against nginx on rs1/rs2, for each of
#   direct          c1 -> rs1 routed by the Wirespeed daemon, no load balancer (the reference: ratio 1)
#   ws-fnat/nat/dr  the Wirespeed daemon balancing VIP 198.18.0.100:80 over rs1 and rs2 (rr)
#   nft-dnat        the lb namespace's kernel: forwarding plus an nftables DNAT rule (numgen)
#   haproxy         haproxy (mode tcp) in the lb namespace, kernel addresses
#   nginx-stream    nginx stream proxy in the lb namespace, kernel addresses
# and prints the median req/s of RUNS runs of SECS seconds per mode and kind, with the ratio to direct.
# Every mode gets one unmeasured warm-up run (the daemon's JIT, the servers' caches).
#
# usage: bench/scripts/lb-vs-peers.sh [RUNS] [SECS]
#   root; builds nothing (run ./mvnw -DskipTests package first); installs missing tools with apt.
#   LBBENCH_DRIVER=afpacket|afxdp picks the daemon's port driver (default: the lab config's afpacket).
set -Eeuo pipefail
trap 'echo "lb-vs-peers.sh: line $LINENO: command failed: $BASH_COMMAND" >&2' ERR

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-5}
SECS=${2:-5}
[[ $RUNS =~ ^[1-9][0-9]*$ && $SECS =~ ^[1-9][0-9]*$ ]] || {
    echo "usage: $0 [RUNS] [SECS]   (positive integers, got '$RUNS' '$SECS')" >&2
    exit 2
}
[[ $EUID -eq 0 ]] || { echo "lb-vs-peers.sh: must run as root (network namespaces)" >&2; exit 1; }
DRIVER=${LBBENCH_DRIVER:-afpacket}
[[ $DRIVER == afpacket || $DRIVER == afxdp ]] || { echo "LBBENCH_DRIVER must be afpacket or afxdp" >&2; exit 2; }

readonly P=wslbpeer
readonly VIP=198.18.0.100
readonly RS=(198.19.0.11 198.19.0.12)
readonly LIP=198.19.0.1
readonly C1_RS_SIDE=198.19.0.2
readonly SOCK=/run/wirespeed/$P.sock
WORK=$(mktemp -d /tmp/lb-vs-peers-XXXX)
DAEMON=
PROXY=

log() { echo "lb-vs-peers: $*" >&2; }

cleanup() {
    stop_daemon
    stop_proxy
    "$ROOT/lab/lab.sh" down $P >/dev/null 2>&1 || true # also stops nginx left in the namespaces
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Tools: installed with apt when missing (the only thing this script installs).
need() {
    local tool=$1 package=$2
    command -v "$tool" >/dev/null && return 0
    log "installing $package (for $tool)"
    apt-get install -y "$package" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$package" >/dev/null; }
}
need wrk wrk
need nginx nginx
need haproxy haproxy
need nft nftables
need conntrack conntrack
need curl curl
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || apt-get install -y libnginx-mod-stream >/dev/null
[[ -f $ROOT/control/target/wirespeed-control-0.1.0-SNAPSHOT.jar ]] || { log "build first: ./mvnw -DskipTests package"; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# ---- real servers ------------------------------------------------------------------------------

# nginx on rs1/rs2: a fixed answer naming the server, and keep-alive connections that never end on
# a request count (nginx's default of 100 requests would make keep-alive runs open connections too).
start_real_server() {
    local name=$1 dir=$WORK/$1
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {
        listen 80 backlog=4096;
        location / { return 200 "$name\n"; }
    }
}
EOF
    ip netns exec "$P-$name" nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
}

# ---- the Wirespeed daemon ----------------------------------------------------------------------

wsctl() { "$ROOT/bin/wsctl" -s "$SOCK" "$@"; }

start_daemon() {
    local mode=$1
    sed -e "s#/run/wirespeed/lab.sock#$SOCK#" -e "s#driver: afpacket#driver: $DRIVER#" \
        "$ROOT/lab/wirespeed-lab.yaml" >"$WORK/wirespeed.yaml"
    ip netns exec $P-lb "$ROOT/bin/wirespeed" --config "$WORK/wirespeed.yaml" >"$WORK/daemon-$mode.log" 2>&1 &
    DAEMON=$!
    local _
    for _ in $(seq 100); do
        [[ -S $SOCK ]] && wsctl worker stats >/dev/null 2>&1 && return 0
        kill -0 "$DAEMON" 2>/dev/null || break
        sleep 0.2
    done
    log "the daemon did not start ($mode):"
    tail -20 "$WORK/daemon-$mode.log" >&2
    return 1
}

stop_daemon() {
    [[ -n $DAEMON ]] || return 0
    kill "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    DAEMON=
}

# The service: VIP:80 over rs1 and rs2 with ipvsadm's forwarding option (-b full NAT, -m NAT, -g DR).
ws_service() {
    local option=$1 server
    wsctl ip addr add $VIP/32 dev port0
    wsctl lb -A -t $VIP:80 -s rr
    for server in "${RS[@]}"; do
        wsctl lb -a -t $VIP:80 -r "$server:80" "$option" -w 1
    done
    if [[ $option == -b ]]; then
        wsctl lb --add-laddr -z $LIP -t $VIP:80 -F port1
    fi
}

# ---- DR: the servers answer c1 directly, over a veth from the server bridge into c1 -------------

direct_return_path() {
    local action=$1 rs
    if [[ $action == add ]]; then
        ip -n $P-rs link add c1 type veth peer name eth1 netns $P-c1
        ip netns exec $P-rs ethtool -K c1 tx off >/dev/null
        ip -n $P-rs link set c1 master br0
        ip -n $P-rs link set c1 up
        ip netns exec $P-c1 ethtool -K eth1 tx off >/dev/null
        ip netns exec $P-c1 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0
        # noprefixroute: c1 keeps reaching 198.19.0.0/24 through the balancer; only answers come this way
        ip -n $P-c1 addr add $C1_RS_SIDE/24 dev eth1 noprefixroute
        ip -n $P-c1 link set eth1 up
        for rs in rs1 rs2; do
            # LVS-DR real servers: the VIP on lo, never answered or announced in ARP
            ip netns exec $P-$rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
            ip -n $P-$rs addr add $VIP/32 dev lo
            ip -n $P-$rs route add 198.18.0.0/24 via $C1_RS_SIDE dev eth0 table 190
            ip -n $P-$rs rule add from $VIP table 190
        done
    else
        for rs in rs1 rs2; do
            ip -n $P-$rs rule del from $VIP table 190 2>/dev/null || true
            ip -n $P-$rs route flush table 190 2>/dev/null || true
            ip -n $P-$rs addr del $VIP/32 dev lo 2>/dev/null || true
        done
        ip -n $P-c1 link del eth1 2>/dev/null || true
    fi
}

# ---- kernel and proxy peers: the lb namespace's own stack with kernel addresses ----------------

kernel_addresses() {
    if [[ $1 == on ]]; then
        ip -n $P-lb addr add 198.18.0.1/24 dev port0
        ip -n $P-lb addr add $VIP/32 dev port0
        ip -n $P-lb addr add 198.19.0.1/24 dev port1
        ip netns exec $P-lb sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
            net.ipv4.conf.port0.rp_filter=0 net.ipv4.conf.port1.rp_filter=0
    else
        ip -n $P-lb addr flush dev port0
        ip -n $P-lb addr flush dev port1
        ip netns exec $P-lb sysctl -qw net.ipv4.ip_forward=0
    fi
}

nft_dnat() {
    if [[ $1 == on ]]; then
        ip netns exec $P-lb nft -f - <<EOF
table ip lbpeers {
    chain prerouting {
        type nat hook prerouting priority dstnat;
        ip daddr $VIP tcp dport 80 dnat to numgen inc mod 2 map { 0 : ${RS[0]}, 1 : ${RS[1]} }
    }
}
EOF
    else
        ip netns exec $P-lb nft delete table ip lbpeers 2>/dev/null || true
    fi
}

start_haproxy() {
    cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
listen web
    bind $VIP:80
    balance roundrobin
    server rs1 ${RS[0]}:80
    server rs2 ${RS[1]}:80
EOF
    ip netns exec $P-lb haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
    PROXY=$!
}

start_nginx_stream() {
    local dir=$WORK/stream
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
stream {
    upstream web { server ${RS[0]}:80; server ${RS[1]}:80; }
    server { listen $VIP:80 backlog=4096; proxy_pass web; }
}
EOF
    ip netns exec $P-lb nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    PROXY=$!
}

stop_proxy() {
    [[ -n $PROXY ]] || return 0
    kill "$PROXY" 2>/dev/null || true
    wait "$PROXY" 2>/dev/null || true
    PROXY=
}

# ---- measuring -----------------------------------------------------------------------------------

# Leftover TIME_WAIT sockets and conntrack entries from one mode stall the next one's new connections.
quiesce() {
    local ns
    for ns in c1 rs1 rs2 lb; do
        ip netns exec $P-$ns ss -K -t state time-wait >/dev/null 2>&1 || true
        ip netns exec $P-$ns ip neigh flush all 2>/dev/null || true
    done
    ip netns exec $P-lb conntrack -F >/dev/null 2>&1 || true
    sleep 0.5
}

reachable() {
    local url=$1 _
    for _ in $(seq 20); do
        ip netns exec $P-c1 curl -s -m 1 -o /dev/null "$url" && return 0
        sleep 0.25
    done
    return 1
}

# One wrk run; prints "REQ_PER_SEC ERRORS" (errors: socket errors plus non-2xx answers).
wrk_run() {
    local url=$1 kind=$2 secs=$3 out
    local args=(-t1 -c32 -d"${secs}s" --timeout 2s)
    [[ $kind == close ]] && args+=(-H 'Connection: close')
    out=$(ip netns exec $P-c1 wrk "${args[@]}" "$url" 2>&1) || true
    echo "$out" | awk '
        /^Requests\/sec:/ {rps = $2}
        /Socket errors:/ {gsub(",", ""); errs += $4 + $6 + $8 + $10}
        /Non-2xx or 3xx responses:/ {errs += $5}
        END {printf "%d %d\n", rps, errs}'
}

declare -A MEDIAN
MODES=()

# Measures the mode that is set up now: one warm-up, then RUNS runs of each kind, alternating.
measure() {
    local mode=$1 url=$2 kind i r
    local -A rps=() errs=()
    MODES+=("$mode")
    if ! reachable "$url"; then
        log "$mode: $url does not answer, skipped"
        MEDIAN[$mode,keepalive]=failed
        MEDIAN[$mode,close]=failed
        return 0
    fi
    wrk_run "$url" keepalive "$((SECS < 3 ? SECS : 3))" >/dev/null
    for ((i = 0; i < RUNS; i++)); do
        for kind in keepalive close; do
            r=$(wrk_run "$url" "$kind" "$SECS")
            rps[$kind]+="${r% *} "
            errs[$kind]=$((${errs[$kind]:-0} + ${r#* }))
        done
    done
    for kind in keepalive close; do
        # shellcheck disable=SC2086 # one number per word
        MEDIAN[$mode,$kind]=$(printf '%s\n' ${rps[$kind]} | median)
        echo "$mode $kind req/s median ${MEDIAN[$mode,$kind]} runs ${rps[$kind]}errors ${errs[$kind]}"
    done
}

ws_mode() {
    local mode=$1 option=$2 url=http://$VIP/
    quiesce
    start_daemon "$mode" || { MODES+=("$mode"); MEDIAN[$mode,keepalive]=failed; MEDIAN[$mode,close]=failed; return 0; }
    if [[ -n $option ]]; then
        ws_service "$option" >/dev/null
    else
        url=http://${RS[0]}/
    fi
    [[ $option == -g ]] && direct_return_path add
    measure "$mode" "$url"
    if [[ -n $option ]]; then
        wsctl lb -L -n --stats >"$WORK/lb-$mode.txt" 2>&1 || true
        wsctl stats drops >>"$WORK/lb-$mode.txt" 2>&1 || true
        sed 's/^/    /' "$WORK/lb-$mode.txt" >&2
    fi
    [[ $option == -g ]] && direct_return_path del
    stop_daemon
}

kernel_mode() {
    local mode=$1
    quiesce
    kernel_addresses on
    case $mode in
    nft-dnat) nft_dnat on ;;
    haproxy) start_haproxy ;;
    nginx-stream) start_nginx_stream ;;
    esac
    measure "$mode" http://$VIP/
    nft_dnat off
    stop_proxy
    kernel_addresses off
}

"$ROOT/lab/lab.sh" up $P >/dev/null
start_real_server rs1
start_real_server rs2
log "lab $P up; $RUNS runs of ${SECS}s per mode and kind, daemon driver $DRIVER"

ws_mode direct ""
ws_mode ws-fnat -b
ws_mode ws-nat -m
ws_mode ws-dr -g
kernel_mode nft-dnat
kernel_mode haproxy
kernel_mode nginx-stream

ratio() {
    local v=$1 ref=$2
    [[ $v == failed || $ref == failed || $ref == 0 ]] && { echo "-"; return; }
    awk -v v="$v" -v r="$ref" 'BEGIN {printf "%.2f", v / r}'
}

kfmt() {
    if [[ $1 == failed ]]; then echo failed; else awk -v v="$1" 'BEGIN {printf "%.1f k", v / 1000}'; fi
}

echo
echo "| mode | keep-alive req/s | ratio | Connection: close req/s | ratio |"
echo "|---|---|---|---|---|"
for mode in "${MODES[@]}"; do
    echo "| $mode | $(kfmt "${MEDIAN[$mode,keepalive]}") | $(ratio "${MEDIAN[$mode,keepalive]}" "${MEDIAN[direct,keepalive]}") \
| $(kfmt "${MEDIAN[$mode,close]}") | $(ratio "${MEDIAN[$mode,close]}" "${MEDIAN[direct,close]}") |"
done
