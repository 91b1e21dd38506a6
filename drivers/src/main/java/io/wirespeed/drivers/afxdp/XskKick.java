package io.wirespeed.drivers.afxdp;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The two wake-up syscalls of the data path, bound without errno capture: a capturing downcall
 * allocates about 40 bytes per call until C2 compiles its caller, and these run once per burst.
 * Their result is not needed: a kick that fails (EAGAIN, EBUSY, ENOBUFS, ENETDOWN) leaves the
 * descriptors in the ring, and the next kick retries them.
 */
final class XskKick {
    private static final int MSG_DONTWAIT = 0x40;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SENDTO = LINKER.downcallHandle(find("sendto"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = LINKER.downcallHandle(find("recvfrom"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));

    private XskKick() {}

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** Makes the kernel send what the tx ring holds (in copy mode it sends up to 32 frames per call, synchronously). */
    static void tx(int fd) {
        try {
            long ignored = (long) SENDTO.invokeExact(fd, MemorySegment.NULL, 0L, MSG_DONTWAIT, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("sendto downcall failed", t); // only on a linkage bug
        }
    }

    /** Wakes the driver to take frames from the fill ring (need_wakeup in zero-copy mode). */
    static void rx(int fd) {
        try {
            long ignored = (long) RECVFROM.invokeExact(fd, MemorySegment.NULL, 0L, MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("recvfrom downcall failed", t);
        }
    }
}
