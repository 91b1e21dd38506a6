#!/usr/bin/env bash
# Builds and tears down the Wirespeed lab: network namespaces joined by veth pairs.
#
#   PREFIX-c1  eth0 198.18.0.2/24  2001:db8::2/64     --veth--  port0 ┐
#   PREFIX-c2  eth0 198.18.1.2/24  2001:db8:1::2/64   --veth--  port2 ├ PREFIX-lb (Wirespeed runs here)
#   PREFIX-rs  br0 ─┬─ lb  ------------------------------veth-- port1 ┘
#                   ├─ rs1 --veth-- PREFIX-rs1 eth0 198.19.0.11/24 2001:db8:19::11/64
#                   └─ rs2 --veth-- PREFIX-rs2 eth0 198.19.0.12/24 2001:db8:19::12/64
#
# Both ends of every veth are created directly inside namespaces, so nothing ever appears in the
# host namespace: parallel labs cannot collide on interface names, and deleting the namespaces
# deletes every interface with them.
#
# The port* interfaces carry no kernel address: the Wirespeed daemon owns them (AF_PACKET/AF_XDP)
# and answers ARP/ND itself with the addresses from lab/wirespeed-lab.yaml.
set -Eeuo pipefail

readonly ROLES=(c1 c2 lb rs rs1 rs2)
# Say which command broke, not just that the script stopped.
trap 'echo "lab.sh: ${FUNCNAME[0]:-main}(), line $LINENO: command failed: $BASH_COMMAND" >&2' ERR

usage() {
    cat <<EOF
usage: lab/lab.sh up|down|status [PREFIX]

  up      build the lab (removes an existing lab with the same PREFIX first)
  down    remove every namespace of the lab and the processes left in them (no-op if absent)
  status  list the lab's namespaces and addresses; exit 0 if complete, 1 if absent or partial

PREFIX: 1-11 letters or digits, default 'ws'; namespaces are PREFIX-{${ROLES[*]}}.
WS_LAB_QUEUES: rx/tx queues of every veth (default 1); 2 lets two Wirespeed workers each own a queue.
EOF
}

die() {
    echo "lab.sh: $*" >&2
    exit 1
}

# Runs a command inside a namespace; ip netns exec also remounts /sys so ethtool/sysctl see its devices.
in_ns() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@" || die "in namespace $ns: '$*' failed"
}

ns_exists() {
    [[ -e /run/netns/$1 ]]
}

# A value for one sysctl in one namespace; -q keeps the "key = value" echo out of the output.
ns_sysctl() {
    in_ns "$1" sysctl -q -w "$2=$3"
}

check_prefix() {
    # 11 characters keep the longest namespace name (PREFIX-rs1) within 15; no '-' so that one
    # prefix can never be the beginning of another lab's namespace names.
    [[ $1 =~ ^[A-Za-z0-9]{1,11}$ ]] ||
        die "invalid prefix '$1': use 1-11 letters or digits (namespace names must stay <= 15 characters)"
}

check_environment() {
    [[ $EUID -eq 0 ]] || die "must run as root (network namespaces): sudo lab/lab.sh $*"
    local tool
    for tool in ip ethtool sysctl; do
        command -v "$tool" >/dev/null || die "'$tool' not found: apt-get install iproute2 ethtool procps"
    done
}

# Stops what still runs inside a namespace: a live process keeps a deleted namespace (and its
# veths) alive, so a lab whose daemon outlived its test would never really go away.
stop_processes_in() {
    local ns=$1 pids
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] || return 0
    echo "lab.sh: stopping processes left in $ns: $(echo "$pids" | tr '\n' ' ')" >&2
    # shellcheck disable=SC2086 # one pid per word
    kill -TERM $pids 2>/dev/null || true
    for _ in {1..10}; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [[ -n $pids ]] || return 0
        sleep 0.2
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
}

lab_down() {
    local prefix=$1 role ns
    for role in "${ROLES[@]}"; do
        ns="$prefix-$role"
        ns_exists "$ns" || continue
        stop_processes_in "$ns"
        ip netns del "$ns" || die "cannot delete namespace $ns"
    done
}

new_namespace() {
    local ns=$1
    ip netns add "$ns"
    ip -n "$ns" link set lo up
}

# Creates a veth pair with one end in each namespace, both still down.
veth() {
    local ns_a=$1 if_a=$2 ns_b=$3 if_b=$4 q=${WS_LAB_QUEUES:-1}
    [[ $q =~ ^[1-9][0-9]?$ ]] || die "WS_LAB_QUEUES must be 1..99, got '$q'"
    ip -n "$ns_a" link add "$if_a" numtxqueues "$q" numrxqueues "$q" type veth peer name "$if_b" \
        netns "$ns_b" numtxqueues "$q" numrxqueues "$q"
}

# veth hands packets over with partial checksums when tx offload is on; Wirespeed forwards raw
# frames, so every sender must complete its checksums in software (see DESIGN.md, Lab).
no_tx_offload() {
    in_ns "$1" ethtool -K "$2" tx off >/dev/null
}

# An end host: addresses without duplicate address detection (tests would otherwise wait ~1 s
# before IPv6 works), default routes to the Wirespeed port's addresses.
host_interface() {
    local ns=$1 v4=$2 v6=$3 gw4=$4 gw6=$5
    ns_sysctl "$ns" net.ipv6.conf.eth0.accept_dad 0
    no_tx_offload "$ns" eth0
    ip -n "$ns" addr add "$v4" dev eth0
    ip -n "$ns" -6 addr add "$v6" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$gw4" dev eth0
    ip -n "$ns" -6 route add default via "$gw6" dev eth0
}

# A port handed to Wirespeed. The lb namespace's kernel must stay silent and inert on it:
# - disable_ipv6: no link-local address, no DAD, router solicitation or MLD of its own;
# - arp_ignore=1: never answers ARP there (it could otherwise answer for addresses that the
#   daemon's exception-path TAP gives it);
# - rp_filter=1: drops IPv4 that arrives there, since its reverse path never points at a port*,
#   so the kernel does not answer or forward packets meant for the daemon.
# AF_PACKET and AF_XDP see the frames before any of these checks.
wirespeed_port() {
    local ns=$1 port=$2
    ns_sysctl "$ns" "net.ipv6.conf.$port.disable_ipv6" 1
    ns_sysctl "$ns" "net.ipv4.conf.$port.arp_ignore" 1
    ns_sysctl "$ns" "net.ipv4.conf.$port.rp_filter" 1
    no_tx_offload "$ns" "$port"
    ip -n "$ns" link set "$port" up
}

remove_failed_lab() {
    local status=$?
    trap - EXIT
    if ((status != 0)); then
        echo "lab.sh: up $UP_PREFIX failed, removing what it created" >&2
        lab_down "$UP_PREFIX"
    fi
    exit "$status"
}

lab_up() {
    local prefix=$1
    UP_PREFIX=$prefix # global: the EXIT trap may run outside this function's scope
    local c1="$prefix-c1" c2="$prefix-c2" lb="$prefix-lb" rs="$prefix-rs" rs1="$prefix-rs1" rs2="$prefix-rs2"
    local ns port

    lab_down "$prefix"
    # From here on a failure removes the half-built lab; the trap is dropped once it is complete.
    trap remove_failed_lab EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    for ns in "$c1" "$c2" "$lb" "$rs" "$rs1" "$rs2"; do
        new_namespace "$ns"
    done

    # Only Wirespeed routes here: the kernel of the lb namespace must never forward in parallel.
    ns_sysctl "$lb" net.ipv4.ip_forward 0
    ns_sysctl "$lb" net.ipv6.conf.all.forwarding 0

    # The rs namespace is a plain L2 switch. Its kernel needs no IPv6 of its own (it would send RS
    # and MLD onto the segment); disabling it before the links exist covers every new interface.
    ns_sysctl "$rs" net.ipv6.conf.all.disable_ipv6 1
    ns_sysctl "$rs" net.ipv6.conf.default.disable_ipv6 1

    veth "$lb" port0 "$c1" eth0
    veth "$lb" port1 "$rs" lb
    veth "$lb" port2 "$c2" eth0
    veth "$rs" rs1 "$rs1" eth0
    veth "$rs" rs2 "$rs2" eth0

    for port in port0 port1 port2; do
        wirespeed_port "$lb" "$port"
    done

    # Without an MLD querier on the segment, snooping would depend on reports Wirespeed never
    # sends; flooding multicast keeps neighbour discovery working both ways.
    ip -n "$rs" link add br0 type bridge mcast_snooping 0
    ip -n "$rs" link set br0 up
    for port in lb rs1 rs2; do
        no_tx_offload "$rs" "$port"
        ip -n "$rs" link set "$port" master br0
        ip -n "$rs" link set "$port" up
    done

    host_interface "$c1" 198.18.0.2/24 2001:db8:0::2/64 198.18.0.1 2001:db8:0::1
    host_interface "$c2" 198.18.1.2/24 2001:db8:1::2/64 198.18.1.1 2001:db8:1::1
    host_interface "$rs1" 198.19.0.11/24 2001:db8:19::11/64 198.19.0.1 2001:db8:19::1
    host_interface "$rs2" 198.19.0.12/24 2001:db8:19::12/64 198.19.0.1 2001:db8:19::1

    trap - EXIT INT TERM
    echo "lab $prefix is up: namespaces ${ROLES[*]/#/$prefix-}"
}

lab_status() {
    local prefix=$1 role ns missing=()
    for role in "${ROLES[@]}"; do
        ns="$prefix-$role"
        if ! ns_exists "$ns"; then
            missing+=("$ns")
            continue
        fi
        echo "== $ns"
        ip -n "$ns" -br addr show | grep -v '^lo ' || true
    done
    if ((${#missing[@]} == ${#ROLES[@]})); then
        echo "lab $prefix is not up"
        exit 1
    elif ((${#missing[@]} > 0)); then
        echo "lab $prefix is incomplete, missing: ${missing[*]} (run: lab/lab.sh up $prefix)"
        exit 1
    fi
    echo "lab $prefix is up"
}

main() {
    if (($# < 1 || $# > 2)); then
        usage >&2
        exit 2
    fi
    local action=$1 prefix=${2:-ws}
    case $action in
    up | down | status) ;;
    -h | --help | help)
        usage
        exit 0
        ;;
    *)
        echo "lab.sh: unknown action '$action'" >&2
        usage >&2
        exit 2
        ;;
    esac
    check_prefix "$prefix"
    check_environment "$action" "$prefix"
    case $action in
    up) lab_up "$prefix" ;;
    down) lab_down "$prefix" ;;
    status) lab_status "$prefix" ;;
    esac
}

main "$@"
