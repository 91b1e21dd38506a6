package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.os.ErrnoSlot;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What rtnetlink says about an interface's XDP attachment (the IFLA_XDP attribute that
 * {@code ip link} prints as "xdp"), and the netlink detach of a program attached without a link.
 * Control path only.
 */
final class XdpNetlink {
    private static final int AF_NETLINK = 16, NETLINK_ROUTE = 0;
    private static final int RTM_GETLINK = 18, RTM_SETLINK = 19, NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1, NLM_F_ACK = 4;
    private static final int IFLA_XDP = 43, NLA_F_NESTED = 0x8000, NLA_TYPE_MASK = 0x3fff;
    private static final int IFLA_XDP_FD = 1, IFLA_XDP_ATTACHED = 2, IFLA_XDP_FLAGS = 3, IFLA_XDP_PROG_ID = 4;
    private static final int NLMSG_HDR = 16, IFINFOMSG = 16;
    private static final int RECV_BUF = 64 * 1024;

    /** IFLA_XDP_ATTACHED values. */
    static final int ATTACHED_NONE = 0, ATTACHED_DRV = 1, ATTACHED_SKB = 2, ATTACHED_HW = 3, ATTACHED_MULTI = 4;

    /** An interface's XDP state: how a program is attached (ATTACHED_*) and its id (0 if none or several). */
    record Attachment(int attached, int progId) {
        boolean any() { return attached != ATTACHED_NONE; }

        String modeName() {
            return switch (attached) {
                case ATTACHED_NONE -> "none";
                case ATTACHED_DRV -> "native";
                case ATTACHED_SKB -> "generic";
                case ATTACHED_HW -> "offloaded";
                default -> "several modes";
            };
        }

        /** The XDP_FLAGS_*_MODE that addresses this attachment in a netlink request. */
        int modeFlags() {
            return switch (attached) {
                case ATTACHED_DRV -> XdpMode.NATIVE.linkFlags;
                case ATTACHED_SKB -> XdpMode.GENERIC.linkFlags;
                case ATTACHED_HW -> 8;
                default -> 0;
            };
        }
    }

    private XdpNetlink() {}

    static Attachment query(int ifindex, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(NLMSG_HDR + IFINFOMSG);
            header(req, RTM_GETLINK, NLM_F_REQUEST, ifindex);
            MemorySegment reply = exchange(a, req, "RTM_GETLINK interface=" + ifname);
            int attached = ATTACHED_NONE;
            int progId = 0;
            int msgLen = reply.get(JAVA_INT, 0);
            int type = reply.get(JAVA_SHORT, 4);
            if (type == NLMSG_ERROR) {
                throw new OsException("netlink", -reply.get(JAVA_INT, NLMSG_HDR), "RTM_GETLINK interface=" + ifname);
            }
            for (int at = NLMSG_HDR + IFINFOMSG; at + 4 <= msgLen; ) {
                int len = reply.get(JAVA_SHORT, at) & 0xffff;
                int attr = reply.get(JAVA_SHORT, at + 2) & NLA_TYPE_MASK;
                if (len < 4) {
                    break;
                }
                if (attr == IFLA_XDP) {
                    for (int in = at + 4; in + 4 <= at + len; ) {
                        int l = reply.get(JAVA_SHORT, in) & 0xffff;
                        int t = reply.get(JAVA_SHORT, in + 2) & NLA_TYPE_MASK;
                        if (l < 4) {
                            break;
                        }
                        if (t == IFLA_XDP_ATTACHED) {
                            attached = reply.get(JAVA_BYTE, in + 4);
                        } else if (t == IFLA_XDP_PROG_ID) {
                            progId = reply.get(JAVA_INT, in + 4);
                        }
                        in += (l + 3) & ~3;
                    }
                }
                at += (len + 3) & ~3;
            }
            return new Attachment(attached, progId);
        }
    }

    /** Detaches the program attached in {@code current}'s mode; EBUSY when a BPF link holds it. */
    static void detach(int ifindex, String ifname, Attachment current) {
        setProgram(ifindex, ifname, -1, current.modeFlags(), "detach XDP program id=" + current.progId());
    }

    /**
     * Attaches ({@code progFd} >= 0) or detaches (-1) an XDP program the old way, without a link,
     * as {@code ip link set dev X xdp ...} does. Wirespeed itself only detaches with it; the tests
     * use it to play a foreign tool that left a program behind.
     */
    static void setProgram(int ifindex, String ifname, int progFd, int modeFlags, String what) {
        try (Arena a = Arena.ofConfined()) {
            int attrs = 4 + 8 + 8; // IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS }
            MemorySegment req = a.allocate(NLMSG_HDR + IFINFOMSG + attrs);
            header(req, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);
            int at = NLMSG_HDR + IFINFOMSG;
            req.set(JAVA_SHORT, at, (short) attrs);
            req.set(JAVA_SHORT, at + 2, (short) (IFLA_XDP | NLA_F_NESTED));
            req.set(JAVA_SHORT, at + 4, (short) 8);
            req.set(JAVA_SHORT, at + 6, (short) IFLA_XDP_FD);
            req.set(JAVA_INT, at + 8, progFd);
            req.set(JAVA_SHORT, at + 12, (short) 8);
            req.set(JAVA_SHORT, at + 14, (short) IFLA_XDP_FLAGS);
            req.set(JAVA_INT, at + 16, modeFlags);
            MemorySegment reply = exchange(a, req, "RTM_SETLINK " + what + " interface=" + ifname);
            if (reply.get(JAVA_SHORT, 4) != NLMSG_ERROR) {
                throw new IllegalStateException("netlink RTM_SETLINK on " + ifname + ": no acknowledgement");
            }
            int error = reply.get(JAVA_INT, NLMSG_HDR);
            if (error != 0) {
                throw new OsException("netlink", -error, "RTM_SETLINK " + what + " interface=" + ifname);
            }
        }
    }

    private static void header(MemorySegment req, int type, int flags, int ifindex) {
        req.set(JAVA_INT, 0, (int) req.byteSize());
        req.set(JAVA_SHORT, 4, (short) type);
        req.set(JAVA_SHORT, 6, (short) flags);
        req.set(JAVA_INT, 8, 1); // sequence
        req.set(JAVA_BYTE, NLMSG_HDR, (byte) 0); // AF_UNSPEC
        req.set(JAVA_INT, NLMSG_HDR + 4, ifindex);
    }

    /** Sends one request to the kernel and returns the first reply message. */
    private static MemorySegment exchange(Arena a, MemorySegment req, String what) {
        int fd = Libc.socket(AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        try {
            ErrnoSlot slot = new ErrnoSlot();
            MemorySegment kernel = a.allocate(12); // sockaddr_nl, pid 0: the kernel
            kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            if (Libc.sendtoRaw(slot, fd, req, req.byteSize(), 0, kernel, 12) < 0) {
                throw new OsException("sendto", slot.errno(), "netlink " + what);
            }
            MemorySegment buf = a.allocate(RECV_BUF);
            long n = Libc.recvfromRaw(slot, fd, buf, RECV_BUF, 0);
            if (n < NLMSG_HDR + 4) {
                throw new OsException("recvfrom", n < 0 ? slot.errno() : 0, "netlink " + what + " (short reply)");
            }
            return buf.asSlice(0, n);
        } finally {
            Libc.close(fd);
        }
    }

    static String describe(Attachment at) {
        if (!at.any()) {
            return "no XDP program";
        }
        if (at.progId() == 0) {
            return "XDP programs in " + at.modeName();
        }
        String name = Bpf.programName(at.progId());
        return "XDP program id=" + at.progId() + (name.isEmpty() ? "" : " name=" + name) + " (" + at.modeName() + ")";
    }

}
