package io.wirespeed.control.health;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.ErrnoSlot;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ICMP echo (IPv4), through libc sockets over FFM. Java has no ICMP API, and
 * {@code InetAddress.isReachable} silently falls back to a TCP connection to port 7 when it cannot open
 * a raw socket, and counts a refused connection as reachable: not an echo check at all. So this opens
 * the socket itself: a raw ICMP socket (root or CAP_NET_RAW, which the daemon has), else a Linux
 * "ping" datagram socket (allowed by {@code net.ipv4.ping_group_range}). Neither available: the check
 * fails with that reason rather than pretending. The socket is non-blocking and the probe sleeps
 * between reads, so a virtual thread never holds its carrier in a native wait.
 */
final class IcmpProbe implements Probe {
    private static final int EHOSTUNREACH = 113, ENETUNREACH = 101; // not in core's Errno table
    private static final int IPPROTO_ICMP = 1, ECHO_REQUEST = 8, ECHO_REPLY = 0, HEADER = 8, PAYLOAD = 24;
    private static final long POLL_NANOS = 5_000_000;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Override
    public Outcome run(InetAddress addr, int port, Duration timeout) {
        if (!(addr instanceof Inet4Address)) {
            return Outcome.failed("icmp check supports IPv4 servers only");
        }
        boolean raw = true;
        int fd;
        try {
            fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_ICMP);
        } catch (OsException e) {
            raw = false;
            try {
                fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_ICMP);
            } catch (OsException e2) {
                return Outcome.failed("no icmp socket: raw " + Errno.name(e.errno()) + ", ping " + Errno.name(e2.errno()));
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            return echo(arena, fd, raw, addr.getAddress(), timeout);
        } finally {
            Libc.close(fd);
        }
    }

    private static Outcome echo(Arena arena, int fd, boolean raw, byte[] target, Duration timeout) {
        ErrnoSlot errno = new ErrnoSlot();
        int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
        int seq = ThreadLocalRandom.current().nextInt(1, 0x10000);
        MemorySegment request = arena.allocate(HEADER + PAYLOAD);
        request.set(ValueLayout.JAVA_BYTE, 0, (byte) ECHO_REQUEST);
        request.set(BE16, 4, (short) id);
        request.set(BE16, 6, (short) seq);
        for (int i = 0; i < PAYLOAD; i++) {
            request.set(ValueLayout.JAVA_BYTE, HEADER + i, (byte) ('a' + i));
        }
        request.set(BE16, 2, (short) checksum(request));
        MemorySegment to = arena.allocate(16); // struct sockaddr_in
        to.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
        MemorySegment.copy(MemorySegment.ofArray(target), 0, to, 4, 4);
        if (Libc.sendtoRaw(errno, fd, request, request.byteSize(), 0, to, (int) to.byteSize()) < 0) {
            int e = errno.errno();
            return Outcome.failed(e == EHOSTUNREACH || e == ENETUNREACH ? "no route to host"
                    : "icmp send: " + Errno.name(e));
        }
        MemorySegment reply = arena.allocate(1500);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = Libc.recvfromRaw(errno, fd, reply, reply.byteSize(), Libc.MSG_DONTWAIT);
            if (n > 0 && isOurReply(reply, (int) n, raw, target, id, seq)) {
                return Outcome.OK;
            }
            if (n < 0 && errno.errno() != Errno.EAGAIN && errno.errno() != Errno.EINTR) {
                return Outcome.failed("icmp receive: " + Errno.name(errno.errno()));
            }
            if (n < 0) {
                if (System.nanoTime() - deadline >= 0) {
                    return Outcome.timedOut("no icmp echo reply");
                }
                try {
                    Thread.sleep(Duration.ofNanos(POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Outcome.failed("icmp check stopped");
                }
            }
        }
    }

    /**
     * A raw socket sees every ICMP packet the host receives, IP header first: ours is the echo reply
     * from the target with our identifier and sequence. A ping socket sees only its own replies, without
     * the IP header, and the kernel sets the identifier itself.
     */
    static boolean isOurReply(MemorySegment p, int len, boolean raw, byte[] target, int id, int seq) {
        int icmp = 0;
        if (raw) {
            if (len < 20) return false;
            icmp = (p.get(ValueLayout.JAVA_BYTE, 0) & 0x0f) * 4;
            for (int i = 0; i < 4; i++) {
                if (p.get(ValueLayout.JAVA_BYTE, 12 + i) != target[i]) return false;
            }
        }
        if (len < icmp + HEADER || p.get(ValueLayout.JAVA_BYTE, icmp) != ECHO_REPLY) {
            return false;
        }
        boolean idMatches = !raw || (p.get(BE16, icmp + 4) & 0xffff) == id;
        return idMatches && (p.get(BE16, icmp + 6) & 0xffff) == seq;
    }

    /** The Internet checksum (RFC 1071) of the message, with its checksum field still 0. */
    static int checksum(MemorySegment m) {
        long sum = 0;
        for (long i = 0; i + 1 < m.byteSize(); i += 2) {
            sum += m.get(BE16, i) & 0xffff;
        }
        if ((m.byteSize() & 1) != 0) {
            sum += (m.get(ValueLayout.JAVA_BYTE, m.byteSize() - 1) & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
