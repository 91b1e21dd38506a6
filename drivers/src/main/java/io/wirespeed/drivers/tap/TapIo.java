package io.wirespeed.drivers.tap;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * read(2) and write(2) on the tun fd, with the buffer given as a raw address into the packet pool
 * and without errno capture: the two choices that make a downcall allocation free at every JIT tier.
 *
 * <ul>
 *   <li>A {@code long} address instead of a slice of the pool segment: a slice is a Java object per
 *       packet, which C2's escape analysis removes in simple loops but not in every inlining decision.
 *       A {@code long} is passed exactly like a pointer on x86-64; the caller guarantees it points into
 *       a live pool buffer with {@code len} bytes of room.</li>
 *   <li>No {@code captureCallState("errno")}: with it the linker allocates about 40 bytes per call
 *       until C2 has compiled the caller (measured on JDK 25). errno is not needed here: a
 *       non-blocking tun read fails with EAGAIN when the queue is empty, and otherwise only when
 *       the device is gone (EBADFD), which {@link TapPort#linkUp()} shows; any failed write is a
 *       dropped frame whatever the reason.</li>
 * </ul>
 */
final class TapIo {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle READ = downcall("read");
    private static final MethodHandle WRITE = downcall("write");

    private TapIo() {}

    private static MethodHandle downcall(String name) {
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        // ssize_t name(int fd, void *buf, size_t count), with the pointer as a 64-bit integer
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    /** Bytes read into {@code address}, or -1. */
    static long read(int fd, long address, long len) {
        try {
            return (long) READ.invokeExact(fd, address, len);
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t); // only on a linkage bug
        }
    }

    /** Bytes written from {@code address}, or -1. */
    static long write(int fd, long address, long len) {
        try {
            return (long) WRITE.invokeExact(fd, address, len);
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }
}
