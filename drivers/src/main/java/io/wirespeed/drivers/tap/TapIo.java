package io.wirespeed.drivers.tap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * read(2) and write(2) on the tun fd, with the buffer given as a raw address into the packet pool.
 *
 * <p>Why not {@code Libc.readRaw} with a slice of the pool segment: a slice is a Java object per
 * packet. C2's escape analysis removes it in simple loops but not in every inlining decision, and a
 * data plane must not allocate per packet by luck. A {@code long} address is passed exactly like a
 * pointer on x86-64 and allocates nothing; the caller guarantees it points into a live pool buffer
 * with {@code len} bytes of room. errno is captured by the linker as {@code Libc} does, into a
 * state segment owned by this object (one per queue, used by that queue's worker only).
 */
final class TapIo {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = downcall("read");
    private static final MethodHandle WRITE = downcall("write");

    private final MemorySegment callState = Arena.ofAuto().allocate(CAPTURE_LAYOUT);

    private static MethodHandle downcall(String name) {
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        // ssize_t name(int fd, void *buf, size_t count), with the pointer as a 64-bit integer
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    /** Bytes read into {@code address}, or -1 with {@link #errno()} set. */
    long read(int fd, long address, long len) {
        try {
            return (long) READ.invokeExact(callState, fd, address, len);
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t); // only on a linkage bug
        }
    }

    /** Bytes written from {@code address}, or -1 with {@link #errno()} set. */
    long write(int fd, long address, long len) {
        try {
            return (long) WRITE.invokeExact(callState, fd, address, len);
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    /** errno of the last failed call on this object. */
    int errno() { return (int) ERRNO.get(callState, 0L); }
}
