package io.wirespeed.drivers.afpacket;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The tx ring kick, {@code sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0)}, bound without errno capture.
 *
 * <p>Why not {@code Libc.sendtoRaw}: a downcall that captures errno allocates about 40 bytes per
 * call until C2 has compiled its caller (measured on JDK 25: always in C1 code, and again after
 * every deoptimization), while one without capture allocates nothing at any tier. The kick's
 * result is not needed: a failed kick leaves the frames marked and the next kick retries them.
 */
final class TxKick {
    private static final int MSG_DONTWAIT = 0x40;
    private static final MethodHandle SENDTO = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sendto").orElseThrow(() -> new UnsatisfiedLinkError("libc has no sendto")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private TxKick() {}

    /** Asks the kernel to send every frame marked TP_STATUS_SEND_REQUEST in {@code fd}'s tx ring. */
    static void kick(int fd) {
        try {
            long ignored = (long) SENDTO.invokeExact(fd, MemorySegment.NULL, 0L, MSG_DONTWAIT, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("sendto downcall failed", t); // only on a linkage bug
        }
    }
}
