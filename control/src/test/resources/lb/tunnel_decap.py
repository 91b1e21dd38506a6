#!/usr/bin/env python3
"""User-space IP-in-IP decapsulator for a real server of the Wirespeed lab (test fixture).

The lab's kernel has no ipip/ip6tnl modules, so an LVS TUN-mode real server cannot use a tunnel
device. This program stands in for one: it receives IPv4-in-IPv4 (protocol 4) and IPv6-in-IPv6
(next header 41) packets on raw sockets and writes the inner packet into a TUN device, whose
kernel side then delivers it like any received packet (to nginx listening on the VIP on lo).

    tunnel_decap.py run TUN_NAME     serve until SIGTERM/SIGINT or until the parent process dies
    tunnel_decap.py self-test        check the header handling on crafted packets, no root needed

Protocol on stdout, one line each: "ready tun=NAME" once serving; "counts ..." on SIGUSR1 and on
exit (decapsulated ipv4 and ipv6 packets; malformed: dropped because a header was malformed or the
TUN device refused the inner packet).
"""

import fcntl
import os
import select
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IPPROTO_IPIP = 4
IPPROTO_IPV6 = 41
MAX_PACKET = 65535
PARENT_CHECK_SECONDS = 1.0


def inner_of_ipv4(packet):
    """The inner IPv4 packet of what an AF_INET raw socket of protocol 4 returns (outer header
    included, IHL words long), or None when either header is malformed."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    outer_len = (packet[0] & 0x0F) * 4
    if outer_len < 20 or len(packet) < outer_len + 20:
        return None
    inner = packet[outer_len:]
    if inner[0] >> 4 != 4 or (inner[0] & 0x0F) < 5:
        return None
    total = struct.unpack_from("!H", inner, 2)[0]
    if total < (inner[0] & 0x0F) * 4 or total > len(inner):
        return None
    return inner[:total]


def inner_of_ipv6(payload):
    """The inner IPv6 packet of what an AF_INET6 raw socket of next header 41 returns (the outer
    header is not included there), or None when it is not a whole IPv6 packet."""
    if len(payload) < 40 or payload[0] >> 4 != 6:
        return None
    total = 40 + struct.unpack_from("!H", payload, 4)[0]
    if total > len(payload):
        return None
    return payload[:total]


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        request = struct.pack("16sH", name.encode(), 0)
        flags = struct.unpack_from("16sH", fcntl.ioctl(control.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(control.fileno(), SIOCSIFFLAGS, struct.pack("16sH", name.encode(), flags | IFF_UP))
    # The inner source (the client) is routed elsewhere, so reverse-path filtering would drop
    # every decapsulated packet; the effective value is the larger of "all" and the device's.
    for conf in ("all", name):
        with open("/proc/sys/net/ipv4/conf/%s/rp_filter" % conf, "w") as sysctl:
            sysctl.write("0")
    return fd


class Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler, so a blocked select returns at once."""


class Counts:
    def __init__(self):
        self.ipv4 = 0
        self.ipv6 = 0
        self.malformed = 0

    def line(self):
        return "counts ipv4=%d ipv6=%d malformed=%d" % (self.ipv4, self.ipv6, self.malformed)


def run(tun_name):
    parent = os.getppid()
    counts = Counts()

    def report(_signum, _frame):
        print(counts.line(), flush=True)

    def stop(_signum, _frame):
        raise Stop()

    signal.signal(signal.SIGUSR1, report)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tun = open_tun(tun_name)
    v4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_IPIP)
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_IPV6)
    unwrap = {v4: (inner_of_ipv4, "ipv4"), v6: (inner_of_ipv6, "ipv6")}
    print("ready tun=%s" % tun_name, flush=True)
    try:
        # An orphan (the test JVM was killed) would otherwise hold the namespace alive forever.
        while os.getppid() == parent:
            readable, _, _ = select.select(list(unwrap), [], [], PARENT_CHECK_SECONDS)
            for sock in readable:
                strip, family = unwrap[sock]
                inner = strip(sock.recv(MAX_PACKET))
                if inner is None:
                    counts.malformed += 1
                    continue
                try:
                    os.write(tun, inner)
                except OSError:
                    # The TUN device refused it (say, an inner header the kernel finds invalid):
                    # a dropped packet, not a reason to stop serving.
                    counts.malformed += 1
                    continue
                setattr(counts, family, getattr(counts, family) + 1)
    except Stop:
        pass
    print(counts.line(), flush=True)


def ipv4_header(src, dst, proto, payload_len, ihl=5):
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + payload_len, 0, 0, 64, proto, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    return header + bytes((ihl - 5) * 4)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def self_test():
    inner = ipv4_header("198.18.0.2", "198.18.0.100", 17, 12) + bytes(12)
    outer_with_options = ipv4_header("198.19.0.1", "198.19.0.11", IPPROTO_IPIP, len(inner), ihl=6) + inner
    check(inner_of_ipv4(outer_with_options) == inner, "IHL 6 outer header stripped")
    check(inner_of_ipv4(outer_with_options + b"pad") == inner, "trailing bytes cut at the inner total length")
    check(inner_of_ipv4(outer_with_options[:30]) is None, "truncated inner header")
    check(inner_of_ipv4(b"\x45" + bytes(10)) is None, "truncated outer header")
    not_ipv4 = ipv4_header("198.19.0.1", "198.19.0.11", IPPROTO_IPIP, 40) + b"\x60" + bytes(39)
    check(inner_of_ipv4(not_ipv4) is None, "inner version must be 4")
    inner6 = struct.pack("!IHBB16s16s", 6 << 28, 8, 17, 64, bytes(16), bytes(16)) + bytes(8)
    check(inner_of_ipv6(inner6) == inner6, "a whole IPv6 packet passes unchanged")
    check(inner_of_ipv6(inner6[:44]) is None, "payload length beyond the packet")
    check(inner_of_ipv6(inner) is None, "inner version must be 6")
    print("self-test ok")


def main(argv):
    if len(argv) == 3 and argv[1] == "run":
        run(argv[2])
    elif len(argv) == 2 and argv[1] == "self-test":
        self_test()
    else:
        sys.stderr.write("usage: tunnel_decap.py run TUN_NAME | self-test\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
