package io.wirespeed.drivers.tap;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TAP interface: the data plane's door into the kernel's network stack (the exception path, as
 * KNI or virtio-user is for DPDK). Frames sent on this port are received by the kernel on interface
 * {@code ifname}; frames the kernel sends out of that interface are received here. Give the kernel
 * the port's addresses ({@link #addAddress}) and kernel software (BIRD, sshd, health checks) works
 * on traffic that the data plane hands over.
 *
 * <p>The interface is created on open with the port's MAC and MTU and set up; it is not persistent,
 * so it disappears when the port is closed or the process dies. An existing interface of the same
 * name is never taken over. One queue each way; the fd is non-blocking and is the {@link #pollFd}.
 */
public final class TapPort implements Port {
    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000, IFF_MULTI_QUEUE = 0x0100, IFF_TUN_EXCL = (short) 0x8000;
    private static final long IP_COMMAND_TIMEOUT_SECONDS = 10;

    private final String name;
    private final String ifname;
    private final long mac;
    private final int mtu;
    private final PortStats stats = new PortStats(1);
    private volatile int fd;

    /**
     * Creates interface {@code ifname} with MAC {@code mac} and MTU {@code mtu} and brings it up.
     *
     * @throws OsException when /dev/net/tun cannot be opened, the interface exists already, or the
     *     kernel refuses the MAC or MTU; the message names the interface and errno
     */
    public TapPort(String name, String ifname, long mac, int mtu) {
        this(name, ifname, mac, mtu, false);
    }

    /**
     * Hot restart: attaches a second queue to interface {@code ifname}, which the running daemon
     * created (multi-queue, so a second fd may attach) and still holds. The kernel side keeps its
     * MAC, MTU, state and addresses; the interface lives on when the old process's queue closes.
     *
     * @throws OsException when there is no such interface, or it is not a multi-queue TAP (made
     *     by someone else, or by a daemon from before multi-queue TAPs)
     */
    public static TapPort attachExisting(String name, String ifname, long mac, int mtu) {
        return new TapPort(name, ifname, mac, mtu, true);
    }

    private final boolean attached;

    private TapPort(String name, String ifname, long mac, int mtu, boolean existing) {
        NetDevice.checkName(ifname);
        if (mtu < 68 || mtu > 65521) {
            throw new IllegalArgumentException("tap " + ifname + ": MTU must be in 68..65521, got " + mtu);
        }
        this.name = name;
        this.ifname = ifname;
        this.mac = mac;
        this.mtu = mtu;
        this.attached = existing;
        if (existing && !NetDevice.exists(ifname)) {
            throw new OsException("ioctl", Errno.ENODEV, "TUNSETIFF IFF_TAP interface=" + ifname
                    + ": no such interface to take over (is the old daemon running with its exception path?)");
        }
        this.fd = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        try {
            if (existing) {
                attachQueue();
            } else {
                attach();
                NetDevice.setMac(ifname, mac);
                NetDevice.setMtu(ifname, mtu);
                NetDevice.setUp(ifname, true);
            }
        } catch (RuntimeException e) {
            Libc.close(fd); // the interface goes with the fd
            fd = -1;
            throw e;
        }
    }

    private void attach() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = NetDevice.ifreq(a, ifname);
            // Exclusive: fail instead of attaching to an existing (possibly someone else's) tap. Multi-queue
            // (one queue used) so that a successor can attach a queue of its own during a hot restart.
            ifr.set(ValueLayout.JAVA_SHORT, NetDevice.IFR_DATA, (short) (IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_TUN_EXCL));
            try {
                Libc.ioctl(fd, TUNSETIFF, ifr, "TUNSETIFF IFF_TAP interface=" + ifname);
            } catch (OsException e) {
                if (e.errno() == Errno.EBUSY || e.errno() == Errno.EINVAL) {
                    throw new OsException("ioctl", e.errno(), "TUNSETIFF IFF_TAP interface=" + ifname
                            + ": an interface with this name already exists");
                }
                throw e;
            }
        }
    }

    /** A second queue on the running daemon's interface: the kernel refuses it unless the flags match. */
    private void attachQueue() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = NetDevice.ifreq(a, ifname);
            ifr.set(ValueLayout.JAVA_SHORT, NetDevice.IFR_DATA, (short) (IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
            try {
                Libc.ioctl(fd, TUNSETIFF, ifr, "TUNSETIFF IFF_TAP|IFF_MULTI_QUEUE interface=" + ifname);
            } catch (OsException e) {
                if (e.errno() == Errno.EINVAL || e.errno() == Errno.EBUSY) {
                    throw new OsException("ioctl", e.errno(), "TUNSETIFF IFF_TAP|IFF_MULTI_QUEUE interface=" + ifname
                            + ": it is not a multi-queue TAP (not ours, or made by a daemon from before hot restart"
                            + " could take TAPs over): restart without --takeover");
                }
                throw e;
            }
        }
    }

    /** True when this port attached to an interface another process created ({@link #attachExisting}). */
    public boolean attachedToExisting() {
        return attached;
    }

    @Override public String name() { return name; }
    @Override public String driver() { return "tap"; }
    @Override public int rxQueues() { return 1; }
    @Override public int txQueues() { return 1; }
    @Override public long mac() { return mac; }
    @Override public int mtu() { return mtu; }
    @Override public PortStats stats() { return stats; }
    @Override public int pollFd(int queue) { return fd; }

    /** The kernel interface's name. */
    public String ifname() { return ifname; }

    /** True while the kernel side is up (someone may have run {@code ip link set IF down}). */
    @Override
    public boolean linkUp() {
        return fd >= 0 && NetDevice.running(ifname);
    }

    @Override
    public int rxBurst(int queue, Burst out, PoolCache cache) {
        int tun = fd;
        PacketPool pool = cache.pool();
        long base = pool.data().address();
        int n = 0;
        long bytes = 0;
        while (out.count < Burst.MAX) {
            int buf = cache.alloc();
            if (buf < 0) {
                break; // frames wait in the kernel's queue; the pool counts the failure
            }
            int room = pool.tailroom(buf);
            long got = TapIo.read(tun, base + pool.packetStart(buf), room);
            if (got <= 0) {
                cache.free(buf); // EAGAIN: the kernel's queue is empty
                break;
            }
            if (got >= room) {
                // tun cuts frames to the buffer without saying so: a full buffer may be a cut frame
                cache.free(buf);
                stats.rxError(queue, 1);
                continue;
            }
            pool.setLength(buf, (int) got);
            pool.setRxQueue(buf, queue);
            out.add(buf);
            n++;
            bytes += got;
        }
        if (n > 0) {
            stats.rx(queue, n, bytes);
        }
        return n;
    }

    @Override
    public int txBurst(int queue, Burst in, PoolCache cache) {
        int tun = fd;
        PacketPool pool = cache.pool();
        long base = pool.data().address();
        int sent = 0;
        long bytes = 0;
        for (int i = 0; i < in.count; i++) {
            int buf = in.bufs[i];
            int len = pool.length(buf);
            // The kernel rejects runts (EINVAL) and frames while the interface is down (EIO).
            if (TapIo.write(tun, base + pool.packetStart(buf), len) == len) {
                sent++;
                bytes += len;
            }
            cache.free(buf);
        }
        stats.tx(queue, sent, bytes);
        if (sent < in.count) {
            stats.txDrop(queue, in.count - sent);
        }
        in.clear();
        return sent;
    }

    /**
     * Gives the kernel interface an address, e.g. {@code 198.18.0.1/24} or {@code 2001:db8::1/64}.
     * Control path: runs {@code ip addr add CIDR dev IF}.
     */
    public void addAddress(String cidr) {
        ip(attached ? "replace" : "add", cidr); // a taken-over interface has its predecessor's addresses already
    }

    /** Removes an address given with {@link #addAddress}. */
    public void removeAddress(String cidr) {
        ip("del", cidr);
    }

    private void ip(String verb, String cidr) {
        String checked = checkCidr(cidr);
        List<String> cmd = List.of("ip", "addr", verb, checked, "dev", ifname);
        String what = String.join(" ", cmd);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(IP_COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("port " + name + ": '" + what + "' did not finish in "
                        + IP_COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("port " + name + ": '" + what + "' failed (exit " + p.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("port " + name + ": cannot run '" + what + "' (is iproute2 installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("port " + name + ": interrupted while running '" + what + "'", e);
        }
    }

    /**
     * Validates "address/prefix" before it reaches a command line, so a bad or hostile value is
     * reported as such instead of being passed to ip(8) as an option.
     */
    static String checkCidr(String cidr) {
        String bad = "bad address '" + cidr + "': expected ADDRESS/PREFIX such as 198.18.0.1/24 or 2001:db8::1/64";
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(bad);
        }
        InetAddress address;
        int prefix;
        try {
            address = InetAddress.ofLiteral(cidr.substring(0, slash));
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            throw new IllegalArgumentException(bad, e);
        }
        int maxPrefix = address.getAddress().length * 8;
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException(bad + " (prefix must be 0.." + maxPrefix + ")");
        }
        return address.getHostAddress() + "/" + prefix;
    }

    /** Closes the fd, which deletes the interface and its addresses. Call once no worker uses the port. */
    @Override
    public void close() {
        int f = fd;
        fd = -1;
        Libc.close(f);
    }
}
