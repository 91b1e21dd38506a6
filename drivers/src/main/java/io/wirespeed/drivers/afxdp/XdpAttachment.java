package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.util.logging.Logger;

/**
 * The kernel side of a port: an XSKMAP holding the socket of each queue, the redirect program
 * reading it, and the BPF link that attaches the program to the interface.
 *
 * <p>Why a link and not netlink: a link attachment lives exactly as long as the link fd, so the
 * kernel detaches the program by itself when our process exits, even by SIGKILL. No stale program
 * can block the next start, and nothing needs pinning in /sys/fs/bpf.
 *
 * <p>If the interface already has a program, we say whose and refuse, unless it was attached by
 * netlink (no link owns it, so it is a leftover of some tool) and the config allows replacing it.
 * A program of ours that is still attached belongs to a process that just died: the kernel
 * releases a dead process's link asynchronously, so we wait a moment for it.
 */
final class XdpAttachment implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(XdpAttachment.class.getName());
    private static final long OWN_LINK_RELEASE_WAIT_NS = 2_000_000_000L;

    private int mapFd = -1;
    private int progFd = -1;
    private int linkFd = -1;
    final String mode;

    /** Attaches a redirect to {@code xskFds[q]} for each queue q; closes everything it made if a step fails. */
    XdpAttachment(String ifname, int ifindex, int mapEntries, int[] xskFds, XdpMode xdpMode, boolean replaceForeign) {
        try {
            mapFd = Bpf.createXskMap(mapEntries, "ws_xsks");
            for (int q = 0; q < xskFds.length; q++) {
                Bpf.updateMap(mapFd, q, xskFds[q], "XSKMAP queue=" + q + " interface=" + ifname);
            }
            progFd = Bpf.loadXdpProgram(RedirectProgram.instructions(mapFd), RedirectProgram.LICENSE, RedirectProgram.NAME);
            linkFd = link(ifname, ifindex, xdpMode, replaceForeign);
            this.mode = XdpNetlink.query(ifindex, ifname).modeName();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private int link(String ifname, int ifindex, XdpMode xdpMode, boolean replaceForeign) {
        try {
            return Bpf.linkXdp(progFd, ifindex, xdpMode.linkFlags, ifname);
        } catch (OsException e) {
            if (!Bpf.isBusy(e)) {
                throw explain(e, ifname, xdpMode);
            }
            claim(ifname, ifindex, replaceForeign); // someone attached a program since our check: same rules
            return Bpf.linkXdp(progFd, ifindex, xdpMode.linkFlags, ifname);
        }
    }

    /**
     * Returns once {@code ifname} has no XDP program: waits briefly for our own program of a process
     * that just died, detaches a netlink-attached program if {@code replaceForeign}, and otherwise
     * throws naming the program that is there. Called before any socket is bound, so a refused port
     * leaves nothing behind and never disturbs the program's owner.
     */
    static void claim(String ifname, int ifindex, boolean replaceForeign) {
        long deadline = System.nanoTime() + OWN_LINK_RELEASE_WAIT_NS;
        while (true) {
            XdpNetlink.Attachment current = XdpNetlink.query(ifindex, ifname);
            if (!current.any()) {
                return;
            }
            String who = XdpNetlink.describe(current);
            if (who.contains("name=" + RedirectProgram.NAME) && System.nanoTime() < deadline) {
                sleepBriefly();
                continue;
            }
            if (!replaceForeign) {
                throw new IllegalStateException("interface " + ifname + " already has " + who
                        + "; stop the program that owns it, or detach it (ip link set dev " + ifname
                        + " xdp off) or set replace-foreign-program to let wirespeed detach it");
            }
            detachForeign(ifname, ifindex, current, who);
        }
    }

    private static void detachForeign(String ifname, int ifindex, XdpNetlink.Attachment current, String who) {
        try {
            XdpNetlink.detach(ifindex, ifname, current);
            LOG.warning("event=afxdp_foreign_program_detached interface=" + ifname + " program=\"" + who + "\"");
        } catch (OsException e) {
            if (e.errno() == Errno.EBUSY) {
                throw new IllegalStateException("interface " + ifname + " already has " + who
                        + ", held by a BPF link of a running process (or a pinned link): not replaced", e);
            }
            throw e;
        }
    }

    private static RuntimeException explain(OsException e, String ifname, XdpMode mode) {
        if (e.errno() == Errno.EOPNOTSUPP && mode == XdpMode.NATIVE) {
            return new IllegalStateException("interface " + ifname + " has no native XDP support; use mode GENERIC or AUTO", e);
        }
        if (e.errno() == Errno.EINVAL) {
            return new IllegalStateException("cannot attach XDP to " + ifname + " in " + mode + " mode (EINVAL: in native"
                    + " mode the MTU may be too large for the driver's XDP, or a veth peer has more tx queues than this end has"
                    + " rx queues)", e);
        }
        return e;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a dead process's XDP link to go away", ie);
        }
    }

    /** Detaches the program (closing the link) and frees program and map. */
    @Override
    public void close() {
        Libc.close(linkFd);
        Libc.close(progFd);
        Libc.close(mapFd);
        linkFd = progFd = mapFd = -1;
    }
}
