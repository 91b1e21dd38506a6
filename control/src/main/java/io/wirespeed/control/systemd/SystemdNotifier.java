package io.wirespeed.control.systemd;

import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.os.UnixSocketAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Speaks systemd's notify protocol (sd_notify(3)) without libsystemd: each state change is one
 * datagram of {@code KEY=value} lines sent to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}.
 * With {@code Type=notify} systemd counts the service as started on {@code READY=1}, shows
 * {@code STATUS=} in {@code systemctl status}, and with {@code NotifyAccess=all} follows a hot
 * restart's successor when it announces itself with {@code MAINPID=} (docs/hot-restart.md, systemd).
 *
 * <p>Without {@code $NOTIFY_SOCKET} (not started by systemd, or a unit of another type) every call
 * does nothing. A failed send is one log line, never an exception: the service manager's view is
 * worth reporting but not worth stopping a data plane for.
 *
 * <p>The variable is deliberately left in the environment (sd_notify's {@code unset_environment}
 * is false): the successor that {@code wsctl restart} spawns inherits this process's environment
 * and needs the same socket to tell systemd it is the new main process.
 */
public final class SystemdNotifier {
    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class.getName());
    public static final String ENV = "NOTIFY_SOCKET";
    private static final SystemdNotifier DISABLED = new SystemdNotifier(null);

    /** Where to send, as written in $NOTIFY_SOCKET; null when notifications are off. */
    private final String address;

    private SystemdNotifier(String address) {
        this.address = address;
    }

    /** The notifier for this process: {@code $NOTIFY_SOCKET}, or one that does nothing. */
    public static SystemdNotifier fromEnvironment() {
        return forAddress(System.getenv(ENV));
    }

    /**
     * A notifier sending to {@code address} (an absolute path or {@code @abstract-name}); null or
     * empty gives one that does nothing. An address this class cannot use (relative, too long,
     * another socket family such as systemd's {@code vsock:}) is logged once and also gives one
     * that does nothing: the daemon runs as it would without systemd.
     */
    public static SystemdNotifier forAddress(String address) {
        if (address == null || address.isEmpty()) {
            return DISABLED;
        }
        try (Arena probe = Arena.ofConfined()) {
            UnixSocketAddress.of(address, probe);
        } catch (IllegalArgumentException e) {
            LOG.warning("event=systemd_notify_disabled " + ENV + "=\"" + address + "\" error=\"" + e.getMessage() + "\"");
            return DISABLED;
        }
        return new SystemdNotifier(address);
    }

    public boolean enabled() {
        return address != null;
    }

    /** Start-up finished (or a reload ended): the data plane forwards and wsctl is served. */
    public boolean ready(String status) {
        return send("READY=1\n" + statusLine(status));
    }

    /**
     * A reload begins. {@code MONOTONIC_USEC} (CLOCK_MONOTONIC, which {@link System#nanoTime()}
     * reads on Linux) lets systemd 253+ match this message to the reload it asked for
     * ({@code Type=notify-reload}); older versions ignore it.
     */
    public boolean reloading(String status) {
        return send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\n" + statusLine(status));
    }

    /**
     * This process is the service's main process from now on (a hot restart's successor). systemd
     * accepts it from a process other than the current main one only with {@code NotifyAccess=all}.
     */
    public boolean mainPid(long pid, String status) {
        return send("MAINPID=" + pid + "\n" + statusLine(status));
    }

    /** A clean shutdown begins: systemd shows the unit as deactivating instead of failed. */
    public boolean stopping(String status) {
        return send("STOPPING=1\n" + statusLine(status));
    }

    /** Only the status text shown by {@code systemctl status}. */
    public boolean status(String status) {
        return send(statusLine(status));
    }

    /**
     * Sends one datagram holding {@code state} (newline-separated assignments). Returns whether it
     * was sent: false when notifications are off or the send failed (logged).
     */
    public boolean send(String state) {
        if (address == null || state.isEmpty()) {
            return false;
        }
        int fd = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = UnixSocketAddress.of(address, arena);
            byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            // CLOEXEC: a successor spawned at the same moment must not inherit the descriptor
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            // DONTWAIT: a manager that stopped reading (full socket buffer) gets EAGAIN, logged, not a hung control thread
            Libc.sendto(fd, buf, Libc.MSG_DONTWAIT, to, ENV + "=" + address);
            return true;
        } catch (OsException e) {
            LOG.warning("event=systemd_notify_failed state=\"" + state.replace('\n', ' ').strip() + "\" error=\"" + e.getMessage() + "\"");
            return false;
        } finally {
            closeQuietly(fd);
        }
    }

    /** A STATUS= line; the protocol is line-based, so a status text is kept on one line. */
    private static String statusLine(String status) {
        return status == null || status.isBlank() ? "" : "STATUS=" + status.replace('\n', ' ').replace('\r', ' ') + "\n";
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (OsException e) {
            LOG.warning("event=systemd_notify_close_failed error=\"" + e.getMessage() + "\"");
        }
    }

    @Override
    public String toString() {
        return address == null ? "SystemdNotifier(off)" : "SystemdNotifier(" + address + ")";
    }
}
