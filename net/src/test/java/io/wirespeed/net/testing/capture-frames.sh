#!/usr/bin/env bash
# Regenerates the frames of CapturedFrame.java: real traffic between two network namespaces joined
# by a veth pair, captured with tcpdump. Needs root, iproute2, tcpdump, ping, python3 and
# python3-scapy (only for the VLAN and QinQ frames: this kernel has no 8021q module nor tc vlan
# action, so nothing else can put a tag on the wire). Prints each frame with tshark's summary and its bytes.
#   usage: capture-frames.sh OUT.pcap
set -euo pipefail
out=${1:?usage: capture-frames.sh OUT.pcap}
A=wsp-cap-a; B=wsp-cap-b
cleanup() {
  [[ -n ${tcpdump_pid:-} ]] && kill "$tcpdump_pid" 2>/dev/null || true
  [[ -n ${server_pid:-} ]] && kill "$server_pid" 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
}
trap cleanup EXIT
ip netns add $A
ip netns add $B
ip link add a0 netns $A address 02:00:00:00:00:0a type veth peer name b0 netns $B address 02:00:00:00:00:0b
for ns in $A $B; do
  dev=$([[ $ns == "$A" ]] && echo a0 || echo b0)
  # veth hands partial checksums to the peer: force full checksums so the capture is what a NIC sends
  ip netns exec $ns ethtool -K $dev tx off >/dev/null
  ip netns exec $ns sysctl -qw net.ipv6.conf.$dev.accept_dad=0
  ip netns exec $ns ip link set lo up
done
ip -n $A addr add 198.18.0.2/24 dev a0
ip -n $B addr add 198.18.0.1/24 dev b0
ip -n $A addr add 2001:db8::2/64 dev a0 nodad
ip -n $B addr add 2001:db8::1/64 dev b0 nodad
ip -n $A link set a0 up
ip -n $B link set b0 up
sleep 1
# router solicitations only add noise (and timing-dependent frame numbers)
ip netns exec $B tcpdump -q -U -i b0 -w "$out" 'not (icmp6 and ip6[40] == 133)' 2>/dev/null &
tcpdump_pid=$!
sleep 1

# ARP request + reply, ICMP echo request + reply
ip netns exec $A ping -q -c1 -W1 198.18.0.1 >/dev/null
# IPv4 with the record route option: IHL 15
ip netns exec $A ping -q -c1 -W1 -R 198.18.0.1 >/dev/null
# UDP to a closed port: UDP datagram + ICMP port unreachable quoting it
ip netns exec $A /usr/bin/python3 -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"wirespeed udp probe", ("198.18.0.1", 9999))'
sleep 0.2
# TCP handshake with options (MSS, SACK permitted, timestamps, window scale), data, close
ip netns exec $B /usr/bin/python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.1", 8080)); s.listen(1); c, _ = s.accept(); c.recv(100); c.sendall(b"pong"); c.close()' &
server_pid=$!
sleep 0.5
ip netns exec $A /usr/bin/python3 -c '
import socket, time; s = socket.create_connection(("198.18.0.1", 8080)); s.sendall(b"ping"); s.recv(10); time.sleep(0.1); s.close()'
wait $server_pid || true
server_pid=
# Neighbour solicitation + advertisement with link-layer options, ICMPv6 echo request + reply
ip netns exec $A ping -q -c1 -W1 2001:db8::1 >/dev/null
# IPv6 extension header chain: hop-by-hop, fragment, destination options (UDP of 2000 bytes > MTU)
ip netns exec $A /usr/bin/python3 -c '
import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
# experimental option types 0x1e and 0x3e (RFC 4727), with Pad1/PadN as the kernel needs no help
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, bytes([0, 0, 0x1e, 2, 0xab, 0xcd, 1, 0]))
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, bytes([0, 0, 0x3e, 4, 1, 2, 3, 4]))
s.sendto(bytes(range(256)) * 7 + bytes(208), ("2001:db8::1", 9999))'
sleep 0.2
# 802.1Q and QinQ (802.1ad outer tag) frames carrying UDP
ip netns exec $A /usr/bin/python3 -c '
from scapy.all import Ether, Dot1Q, Dot1AD, IP, UDP, Raw, sendp
base = Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b")
udp = IP(src="198.18.0.2", dst="198.18.0.1", ttl=64, id=0x1234) / UDP(sport=4000, dport=5000) / Raw(b"tagged")
sendp(base / Dot1Q(vlan=100, prio=5) / udp, iface="a0", verbose=False)
sendp(base / Dot1AD(vlan=200, prio=3) / Dot1Q(vlan=100) / udp, iface="a0", verbose=False)'
sleep 1
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; tcpdump_pid=
tshark -r "$out" -P -x -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE
