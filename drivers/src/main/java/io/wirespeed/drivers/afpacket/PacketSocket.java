package io.wirespeed.drivers.afpacket;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The AF_PACKET socket calls and constants the rings need (linux/if_packet.h, packet(7)).
 * Control path only; every failure is an {@code OsException} naming the option and interface.
 */
final class PacketSocket {
    static final int PACKET_ADD_MEMBERSHIP = 1, PACKET_RX_RING = 5, PACKET_STATISTICS = 6, PACKET_VERSION = 10,
            PACKET_TX_RING = 13, PACKET_LOSS = 14, PACKET_FANOUT = 18, PACKET_QDISC_BYPASS = 20,
            PACKET_IGNORE_OUTGOING = 23;
    static final int TPACKET_V2 = 1, TPACKET_V3 = 2;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_FANOUT_HASH = 0, PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    static final int PACKET_OUTGOING = 4;
    static final int ETH_P_ALL = 0x0003;
    static final int ENOPROTOOPT = 92;

    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int PACKET_MREQ_SIZE = 16;

    private PacketSocket() {}

    /**
     * A raw packet socket that receives nothing yet: protocol 0 until {@link #bind} names the
     * protocol and interface, so no frame of another interface slips into the ring meanwhile.
     */
    static int open(String ifname) {
        try {
            return Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        } catch (OsException e) {
            throw new OsException("socket", e.errno(), "AF_PACKET SOCK_RAW for interface=" + ifname
                    + (e.errno() == Errno.EPERM ? ", needs CAP_NET_RAW" : ""));
        }
    }

    /** Binds to one interface; {@code protocol} 0 makes a send-only socket that never receives. */
    static void bind(int fd, int ifindex, int protocol, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sll = a.allocate(SOCKADDR_LL_SIZE);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            sll.set(BE_SHORT, 2, (short) protocol);
            sll.set(ValueLayout.JAVA_INT, 4, ifindex);
            Libc.bind(fd, sll, "AF_PACKET interface=" + ifname + " ifindex=" + ifindex);
        }
    }

    static void setInt(int fd, int option, String optionName, int value, String ifname) {
        Libc.setsockoptInt(fd, Libc.SOL_PACKET, option, value, optionName + "=" + value + " interface=" + ifname);
    }

    /** Puts the interface in promiscuous mode for as long as this socket lives (the kernel counts users). */
    static void addPromiscuous(int fd, int ifindex, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mreq = a.allocate(PACKET_MREQ_SIZE);
            mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
            mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
            Libc.setsockopt(fd, Libc.SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, "PACKET_ADD_MEMBERSHIP promisc interface=" + ifname);
        }
    }

    /** The fanout group id the kernel gave this socket (low 16 bits of PACKET_FANOUT). */
    static int fanoutGroup(int fd, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            Libc.getsockopt(fd, Libc.SOL_PACKET, PACKET_FANOUT, v, "PACKET_FANOUT interface=" + ifname);
            return v.get(ValueLayout.JAVA_INT, 0) & 0xffff;
        }
    }

    /** Frames the kernel dropped because the ring was full, since the last call (reading resets it). */
    static long takeDrops(int fd, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(12); // struct tpacket_stats_v3 {packets, drops, freeze_q_cnt}
            Libc.getsockopt(fd, Libc.SOL_PACKET, PACKET_STATISTICS, st, "PACKET_STATISTICS interface=" + ifname);
            return st.get(ValueLayout.JAVA_INT, 4) & 0xffff_ffffL;
        }
    }
}
