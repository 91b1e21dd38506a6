package io.wirespeed.drivers.tap;

import io.wirespeed.core.os.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A kernel network interface read and configured with the classic netdevice ioctls (see
 * netdevice(7)) on a throw-away AF_INET datagram socket: MAC address, MTU and up/down flags.
 * Control path only; every failure names the ioctl, the interface and errno.
 *
 * <p>Ioctls rather than rtnetlink because these few settings each fit one fixed-size {@code struct
 * ifreq}, while netlink would need a message builder and a reply parser for the same result.
 */
public final class NetDevice {
    /** Longest interface name (IFNAMSIZ 16 minus the terminating NUL). */
    public static final int MAX_NAME_LENGTH = 15;
    static final int IFREQ_SIZE = 40;
    static final long IFR_DATA = 16; // the union after ifr_name[16]

    public static final int IFF_UP = 0x1, IFF_RUNNING = 0x40, IFF_PROMISC = 0x100;
    private static final int ARPHRD_ETHER = 1;
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFMTU = 0x8921, SIOCSIFMTU = 0x8922,
            SIOCSIFHWADDR = 0x8924, SIOCGIFHWADDR = 0x8927;

    private NetDevice() {}

    /** Throws a clear error for a name the kernel would reject or silently truncate. */
    public static void checkName(String ifname) {
        if (ifname == null || ifname.isEmpty() || ifname.length() > MAX_NAME_LENGTH
                || !ifname.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
            throw new IllegalArgumentException("bad interface name '" + ifname + "': need 1.." + MAX_NAME_LENGTH
                    + " printable ASCII characters without '/', ':' or spaces");
        }
    }

    /** A zeroed {@code struct ifreq} naming {@code ifname}. */
    static MemorySegment ifreq(Arena arena, String ifname) {
        checkName(ifname);
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
        return ifr;
    }

    /** The interface name stored in {@code ifr} (the kernel may fill in a template like "tap%d"). */
    static String nameOf(MemorySegment ifr) {
        return ifr.getString(0, StandardCharsets.US_ASCII);
    }

    public static long mac(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(a, ifname, SIOCGIFHWADDR, "SIOCGIFHWADDR");
            long mac = 0;
            for (int i = 0; i < 6; i++) { // sockaddr.sa_data after the 2-byte sa_family
                mac = mac << 8 | (ifr.get(ValueLayout.JAVA_BYTE, IFR_DATA + 2 + i) & 0xff);
            }
            return mac;
        }
    }

    public static void setMac(String ifname, long mac) {
        if ((mac >>> 48) != 0 || (mac & (1L << 40)) != 0 || mac == 0) {
            throw new IllegalArgumentException(String.format("interface %s: %012x is not a unicast MAC address", ifname, mac));
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, ifname);
            ifr.set(ValueLayout.JAVA_SHORT, IFR_DATA, (short) ARPHRD_ETHER);
            for (int i = 0; i < 6; i++) {
                ifr.set(ValueLayout.JAVA_BYTE, IFR_DATA + 2 + i, (byte) (mac >>> (40 - 8 * i)));
            }
            call(ifr, ifname, SIOCSIFHWADDR, String.format("SIOCSIFHWADDR %012x", mac));
        }
    }

    public static int mtu(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            return ioctl(a, ifname, SIOCGIFMTU, "SIOCGIFMTU").get(ValueLayout.JAVA_INT, IFR_DATA);
        }
    }

    public static void setMtu(String ifname, int mtu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, ifname);
            ifr.set(ValueLayout.JAVA_INT, IFR_DATA, mtu);
            call(ifr, ifname, SIOCSIFMTU, "SIOCSIFMTU mtu=" + mtu);
        }
    }

    /** The interface flags (IFF_UP, IFF_RUNNING, ...), low 16 bits as SIOCGIFFLAGS reports them. */
    public static int flags(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            return ioctl(a, ifname, SIOCGIFFLAGS, "SIOCGIFFLAGS").get(ValueLayout.JAVA_SHORT, IFR_DATA) & 0xffff;
        }
    }

    /** Whether an interface of this name exists in this network namespace. */
    public static boolean exists(String ifname) {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", ifname));
    }

    /** Administratively up and with carrier: frames can flow. */
    public static boolean running(String ifname) {
        return (flags(ifname) & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
    }

    /** Sets the interface administratively up or down, keeping its other flags. */
    public static void setUp(String ifname, boolean up) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ioctl(a, ifname, SIOCGIFFLAGS, "SIOCGIFFLAGS");
            short f = ifr.get(ValueLayout.JAVA_SHORT, IFR_DATA);
            ifr.set(ValueLayout.JAVA_SHORT, IFR_DATA, (short) (up ? f | IFF_UP : f & ~IFF_UP));
            call(ifr, ifname, SIOCSIFFLAGS, up ? "SIOCSIFFLAGS up" : "SIOCSIFFLAGS down");
        }
    }

    private static MemorySegment ioctl(Arena a, String ifname, long request, String what) {
        MemorySegment ifr = ifreq(a, ifname);
        call(ifr, ifname, request, what);
        return ifr;
    }

    private static void call(MemorySegment ifr, String ifname, long request, String what) {
        int sock = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Libc.ioctl(sock, request, ifr, what + " interface=" + ifname);
        } finally {
            Libc.close(sock);
        }
    }
}
