package io.wirespeed.core.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} for an AF_UNIX address written the way systemd and the {@code ss}
 * tool write them: an absolute file system path ({@code /run/systemd/notify}) or, with a leading
 * {@code @}, a name in the abstract namespace ({@code @wirespeed-notify}: no file, scoped to the
 * network namespace, gone with the last socket). The segment has the exact address length to pass
 * to bind/sendto: an abstract name is not NUL-terminated, so its length is what delimits it.
 */
public final class UnixSocketAddress {
    /** {@code sizeof(sun_path)} on Linux. */
    public static final int PATH_CAPACITY = 108;
    private static final int FAMILY_BYTES = 2;

    private UnixSocketAddress() {}

    /**
     * @throws IllegalArgumentException for an empty or relative address, a NUL inside it, or one
     *     longer than sun_path holds
     */
    public static MemorySegment of(String address, Arena arena) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("empty AF_UNIX address");
        }
        boolean isAbstract = address.charAt(0) == '@';
        if (!isAbstract && address.charAt(0) != '/') {
            throw new IllegalArgumentException("AF_UNIX address `" + address + "' is neither an absolute path nor an abstract name (@name)");
        }
        if (address.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("AF_UNIX address `" + address.replace('\0', '?') + "' contains a NUL byte");
        }
        byte[] name = (isAbstract ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        // a path needs room for its terminating NUL; an abstract name starts with one instead
        int pathBytes = name.length + 1;
        if (pathBytes > PATH_CAPACITY) {
            throw new IllegalArgumentException("AF_UNIX address `" + address + "' is " + name.length + " bytes long; at most "
                    + (PATH_CAPACITY - 1) + " fit in sun_path");
        }
        MemorySegment sa = arena.allocate(FAMILY_BYTES + pathBytes, 2); // zeroed
        sa.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(name, 0, sa, JAVA_BYTE, FAMILY_BYTES + (isAbstract ? 1 : 0), name.length);
        return sa;
    }
}
