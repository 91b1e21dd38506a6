#!/usr/bin/env python3
"""Malformed-frame barrage for LbRobustnessIT, run in the client namespace.

usage: barrage.py IFACE DST_MAC
Then, one command per line on stdin:
  CLASS N   sends N frames of CLASS through an AF_PACKET socket on IFACE (so the client's kernel
            neither fixes nor refuses them: bad lengths and checksums go out as built) and answers
            "sent CLASS FRAMES", FRAMES being how many frames the socket took (a class may send
            several frames per round, e.g. the fragments of one datagram).
  list      answers the class names, one line.
Scapy loads once (it takes seconds), then each class costs milliseconds.

Every frame comes from the client's own MAC and addresses, to the balancer's port MAC, with source
ports below the client's ephemeral range, so no frame can match a connection wrk opened.
"""
import socket
import struct
import sys
import time

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6ND_NS, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, IPOption, conf, get_if_hwaddr, in6_chksum)

CLIENT4, VIP4 = "198.18.0.2", "198.18.0.100"
CLIENT6, VIP6, LB6 = "2001:db8::2", "2001:db8::100", "2001:db8::1"
HTTP, DNS = 80, 5353
FIRST_PORT = 10000  # below Linux's ephemeral range (32768-60999): never one of wrk's ports
# Seconds between frames: a burst on top of wrk's traffic can overflow the daemon's receive ring.
PACING = 0.0005


def main():
    iface, dst_mac = sys.argv[1], sys.argv[2]
    conf.verb = 0
    src_mac = get_if_hwaddr(iface)
    eth = lambda **kw: Ether(src=src_mac, dst=dst_mac, **kw)
    classes = frame_classes(eth)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "list":
            print(" ".join(classes), flush=True)
            continue
        name, rounds = words[0], int(words[1])
        if name not in classes:
            print("error unknown class " + name, flush=True)
            continue
        sent = 0
        try:
            for i in range(rounds):
                for frame in classes[name](i):
                    data = bytes(frame)
                    if sock.send(data) == len(data):
                        sent += 1
                    time.sleep(PACING)
            print("sent %s %d" % (name, sent), flush=True)
        except OSError as e:
            print("error %s: the socket refused frame %d: %s" % (name, sent + 1, e), flush=True)


def frame_classes(eth):
    """Class name -> function of the round number giving that round's frames (scapy packets or bytes)."""
    port = lambda i: FIRST_PORT + i % 20000
    ip4 = lambda **kw: IP(src=CLIENT4, dst=VIP4, **kw)
    syn_with = lambda flags: lambda i: [eth() / ip4() / TCP(sport=port(i), dport=HTTP, flags=flags, seq=i)]
    ip6 = lambda **kw: IPv6(src=CLIENT6, dst=VIP6, **kw)

    def with_ip_checksum(pkt, checksum):
        pkt = Ether(bytes(pkt))  # scapy fills the checksum on build; build, then spoil it
        pkt[IP].chksum = checksum
        return pkt

    def bad_ip_checksum(i):
        good = Ether(bytes(eth() / ip4() / UDP(sport=port(i), dport=DNS) / b"x"))
        return [with_ip_checksum(good, good[IP].chksum ^ 0x5a5a)]

    def overlapping(i):
        # 24 bytes at offset 0 (UDP header + 16 bytes), then 16 bytes at offset 8: they overlap
        payload = bytes(UDP(sport=port(i), dport=DNS, len=8 + 40) / (b"o" * 40))
        return [eth() / ip4(id=0x4000 + i, flags="MF", frag=0, proto=17) / payload[:24],
                eth() / ip4(id=0x4000 + i, frag=1, proto=17) / payload[8:24]]

    def tiny_first(i):
        # the first fragment holds 8 bytes of a TCP header: the flags are in the second (RFC 1858)
        segment = bytes(TCP(sport=port(i), dport=HTTP, flags="S", seq=i))
        return [eth() / ip4(id=0x5000 + i, flags="MF", frag=0, proto=6) / segment[:8],
                eth() / ip4(id=0x5000 + i, frag=1, proto=6) / segment[8:]]

    def truncated_icmp6(ip, message, length):
        # cut to LENGTH bytes, with a checksum that is right for what is left: only the length is wrong
        header = IPv6(bytes(ip / message))
        data = bytearray(bytes(header.payload)[:length])
        data[2:4] = b"\x00\x00"
        header.remove_payload()
        header.nh, header.plen = 58, length
        data[2:4] = struct.pack("!H", in6_chksum(58, header, bytes(data)))
        return header / bytes(data)

    def quoting(inner):
        return lambda i: [eth() / ip4() / ICMP(type=3, code=3) / inner(i)]

    return {
        # ---- Ethernet
        "oversize": lambda i: [eth() / ip4() / UDP(sport=port(i), dport=DNS) / (b"j" * 1800)],
        # fits the daemon's buffers, but 1600 bytes of IP on a 1500-byte MTU
        "over_mtu": lambda i: [eth() / ip4() / UDP(sport=port(i), dport=DNS) / (b"m" * 1572)],
        "qinq": lambda i: [eth() / Dot1AD(vlan=10) / Dot1Q(vlan=20) / ip4() / UDP(sport=port(i), dport=DNS)],
        "vlan_in_vlan": lambda i: [eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) / ip4() / UDP(sport=port(i), dport=DNS)],
        "unknown_vlan": lambda i: [eth() / Dot1Q(vlan=77) / ip4() / UDP(sport=port(i), dport=DNS)],
        "unknown_ethertype": lambda i: [eth(type=0x88B5) / (b"\x00" * 46)],
        "arp_truncated": lambda i: [eth(type=0x0806) / bytes(ARP(psrc=CLIENT4, pdst="198.18.0.1"))[:10]],
        # ---- IPv4 header
        "ip_truncated": lambda i: [eth(type=0x0800) / bytes(ip4() / UDP())[:12]],
        "ip_bad_version": lambda i: [eth(type=0x0800) / IP(version=5, src=CLIENT4, dst=VIP4) / UDP(sport=port(i), dport=DNS)],
        "ip_ihl_below_5": lambda i: [eth() / ip4(ihl=4) / UDP(sport=port(i), dport=DNS)],
        "ip_length_beyond_frame": lambda i: [eth() / ip4(len=600) / UDP(sport=port(i), dport=DNS) / b"short"],
        "ip_length_below_header": lambda i: [eth() / ip4(len=12) / UDP(sport=port(i), dport=DNS)],
        "ip_bad_checksum": bad_ip_checksum,
        "ip_martian_source": lambda i: [eth() / IP(src="127.0.0.1", dst=VIP4) / UDP(sport=port(i), dport=DNS)],
        "ip_garbage_options": lambda i: [eth() / ip4(options=[IPOption(b"\x44\x30\x05\x00")]) / UDP(sport=port(i), dport=DNS)],
        # ---- TCP and UDP to the VIP's services
        "tcp_truncated": lambda i: [eth() / ip4(proto=6) / (b"\x27\x10\x00\x50" + b"\x00" * 6)],
        "tcp_offset_below_5": lambda i: [eth() / ip4() / TCP(sport=port(i), dport=HTTP, flags="S", dataofs=3)],
        "tcp_offset_beyond_segment": lambda i: [eth() / ip4() / TCP(sport=port(i), dport=HTTP, flags="S", dataofs=15)],
        "tcp_syn_fin": syn_with("SF"),
        "tcp_syn_rst": syn_with("SR"),
        "tcp_no_flags": syn_with(""),
        "tcp_xmas": syn_with("FPU"),
        "udp_truncated": lambda i: [eth() / ip4(proto=17) / b"\x27\x10\x14\xe9"],
        "udp_length_beyond_datagram": lambda i: [eth() / ip4() / UDP(sport=port(i), dport=DNS, len=400) / b"short"],
        # ---- ICMP
        "icmp_truncated": lambda i: [eth() / ip4(proto=1) / b"\x08\x00"],
        "icmp_bad_checksum": lambda i: [eth() / ip4() / ICMP(type=8, chksum=0x1234, id=i) / b"ping"],
        "icmp_error_quoting_garbage": quoting(lambda i: b"\x00" * 12),
        "icmp_error_quoting_no_connection": quoting(
            lambda i: IP(src=VIP4, dst=CLIENT4) / TCP(sport=HTTP, dport=port(i), flags="SA")),
        # ---- fragments to the VIP
        "fragments_overlapping": overlapping,
        "fragments_tiny_first": tiny_first,
        # ---- IPv6
        "ip6_truncated": lambda i: [eth(type=0x86DD) / bytes(ip6() / UDP())[:30]],
        "ip6_length_beyond_frame": lambda i: [eth() / ip6(plen=900) / UDP(sport=port(i), dport=DNS) / b"short"],
        "ip6_extension_beyond_packet": lambda i: [
            eth() / ip6(nh=60) / bytes(IPv6ExtHdrDestOpt(nh=17, len=20))[:8] / UDP(sport=port(i), dport=DNS)],
        "ip6_hop_by_hop_not_first": lambda i: [
            eth() / ip6() / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() / UDP(sport=port(i), dport=DNS)],
        "nd_truncated": lambda i: [eth() / truncated_icmp6(IPv6(src=CLIENT6, dst=LB6, hlim=255), ICMPv6ND_NS(tgt=LB6), 12)],
    }


if __name__ == "__main__":
    main()
