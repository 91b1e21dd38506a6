package io.wirespeed.core.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where the linker stores errno after a call. One per thread that makes hot-path calls, allocated
 * once: allocating capture state per call would leak or allocate on every packet burst.
 */
public final class ErrnoSlot {
    final MemorySegment segment = Arena.ofAuto().allocate(Libc.CAPTURE_LAYOUT);

    public int errno() { return (int) Libc.ERRNO.get(segment, 0L); }
}
