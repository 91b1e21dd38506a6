package io.wirespeed.control.lab;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.ErrnoSlot;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.os.UnixSocketAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What systemd's end of the notify protocol does, for tests: binds an AF_UNIX datagram socket
 * (a path or an {@code @abstract} name), asks the kernel for each sender's credentials
 * (SO_PASSCRED) and returns every datagram with the pid that sent it, as systemd uses it to tell the
 * main process's messages from others'.
 */
public final class NotifySocketReceiver implements AutoCloseable {
    /** One datagram: the sender's pid (from SCM_CREDENTIALS, not from the text) and its text. */
    public record Notification(long pid, String text) {
        /** Whether one of its lines is exactly {@code line} (e.g. {@code READY=1}). */
        public boolean has(String line) {
            return text.lines().anyMatch(line::equals);
        }

        /** The value of {@code key=} in it, or null. */
        public String value(String key) {
            return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
        }
    }

    private static final int SO_PASSCRED = 16;
    private static final int SCM_CREDENTIALS = 2;
    private static final int DATAGRAM_MAX = 4096;
    private static final int CONTROL_BYTES = 64; // CMSG_SPACE(sizeof(struct ucred)) = 32

    private final String address;
    private final Arena arena = Arena.ofShared();
    private final ErrnoSlot errno = new ErrnoSlot();
    private final int fd;
    private final MemorySegment data = arena.allocate(DATAGRAM_MAX);
    private final MemorySegment control = arena.allocate(CONTROL_BYTES, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment pollfd = arena.allocate(8, 4);

    /** Binds {@code address}: an absolute path (must not exist yet) or {@code @name}. */
    public NotifySocketReceiver(String address) {
        this.address = address;
        int s = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Libc.bind(s, UnixSocketAddress.of(address, arena), address);
            Libc.setsockoptInt(s, Libc.SOL_SOCKET, SO_PASSCRED, 1, "SO_PASSCRED " + address);
        } catch (RuntimeException e) {
            Libc.close(s);
            arena.close();
            throw e;
        }
        fd = s;
    }

    public String address() {
        return address;
    }

    /** The next datagram, waiting at most {@code timeout}; null if none came. */
    public Notification receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int waitMs = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, Libc.POLLIN);
            pollfd.set(JAVA_SHORT, 6, (short) 0);
            int ready = Libc.pollRaw(errno, pollfd, 1, waitMs);
            if (ready < 0 && errno.errno() != Errno.EINTR) {
                throw new OsException("poll", errno.errno(), address);
            }
            if (ready > 0) {
                return read();
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
        }
    }

    private Notification read() {
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, data.byteSize());
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1);
        msghdr.set(ADDRESS, 32, control);
        msghdr.set(JAVA_LONG, 40, control.byteSize());
        long n = Libc.recvmsgRaw(errno, fd, msghdr, Libc.MSG_DONTWAIT);
        if (n < 0) {
            throw new OsException("recvmsg", errno.errno(), address);
        }
        String text = new String(data.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        long controlLength = msghdr.get(JAVA_LONG, 40);
        long pid = -1;
        // the one control message SO_PASSCRED adds: cmsghdr {len, level, type} then struct ucred {pid, uid, gid}
        if (controlLength >= 28 && control.get(JAVA_INT, 8) == Libc.SOL_SOCKET && control.get(JAVA_INT, 12) == SCM_CREDENTIALS) {
            pid = control.get(JAVA_INT, 16);
        }
        return new Notification(pid, text);
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
        if (address.startsWith("/")) {
            try {
                Files.deleteIfExists(Path.of(address));
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove the notify socket " + address + ": " + e, e);
            }
        }
    }
}
