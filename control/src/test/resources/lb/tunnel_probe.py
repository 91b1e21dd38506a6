#!/usr/bin/env python3
"""Sends one UDP datagram wrapped in IP-in-IP, as a TUN-mode load balancer would, and prints the
reply (test fixture of the Wirespeed lab).

    tunnel_probe.py OUTER_DST INNER_SRC INNER_DST PORT MESSAGE [TIMEOUT_SECONDS]

OUTER_DST is a real server's own address; INNER_SRC must be an address of this host (the reply,
sent by the real server straight to it, is read on a UDP socket bound there); INNER_DST is the VIP.
IPv4 addresses give IPv4-in-IPv4 (protocol 4), IPv6 ones IPv6-in-IPv6 (next header 41). Exit 0
and the reply's text on stdout, or exit 1 with the reason on stderr.
"""

import socket
import struct
import sys

IPPROTO_IPIP = 4
IPPROTO_IPV6 = 41
IPPROTO_UDP = 17


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp(src_bytes, dst_bytes, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = src_bytes + dst_bytes + struct.pack("!IxxxB", length, IPPROTO_UDP)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    # 0 means "no checksum" in UDP, so a computed 0 is sent as 0xFFFF (RFC 768).
    return struct.pack("!HHHH", sport, dport, length, checksum(pseudo + header + payload) or 0xFFFF) + payload


def ipv4_packet(src, dst, sport, dport, payload):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    segment = udp(s, d, sport, dport, payload)
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(segment), 0, 0x4000, 64, IPPROTO_UDP, 0, s, d)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + segment


def ipv6_packet(src, dst, sport, dport, payload):
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    segment = udp(s, d, sport, dport, payload)
    return struct.pack("!IHBB16s16s", 6 << 28, len(segment), IPPROTO_UDP, 64, s, d) + segment


def main(argv):
    if len(argv) not in (6, 7):
        sys.stderr.write(__doc__)
        return 2
    outer_dst, inner_src, inner_dst, port, message = argv[1:6]
    timeout = float(argv[6]) if len(argv) == 7 else 3.0
    v6 = ":" in inner_dst
    family = socket.AF_INET6 if v6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as reply, \
            socket.socket(family, socket.SOCK_RAW, IPPROTO_IPV6 if v6 else IPPROTO_IPIP) as tunnel:
        reply.bind((inner_src, 0))
        sport = reply.getsockname()[1]
        build = ipv6_packet if v6 else ipv4_packet
        tunnel.sendto(build(inner_src, inner_dst, sport, int(port), message.encode()), (outer_dst, 0))
        reply.settimeout(timeout)
        try:
            data, peer = reply.recvfrom(65535)
        except socket.timeout:
            sys.stderr.write("no reply from %s port %s within %.1f s\n" % (inner_dst, port, timeout))
            return 1
    sys.stdout.write("from %s %s\n%s" % (peer[0], peer[1], data.decode(errors="replace")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
