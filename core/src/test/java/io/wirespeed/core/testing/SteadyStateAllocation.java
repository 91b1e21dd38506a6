package io.wirespeed.core.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what the calling thread allocates in steady state. A JIT recompilation can run a pass in
 * the interpreter, where escape analysis does not apply, so a single measurement window can see a
 * few hundred bytes once; an allocation per operation shows in every window. So: run the window
 * until one allocates nothing (at most {@code maxWindows} times) and let the test assert on the last.
 */
public final class SteadyStateAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SteadyStateAllocation() {}

    /** Bytes allocated by each window run, stopping after the first that allocated none. */
    public static List<Long> windows(Runnable window, int maxWindows) {
        List<Long> bytes = new ArrayList<>();
        do {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            window.run();
            bytes.add(THREADS.getCurrentThreadAllocatedBytes() - before);
        } while (bytes.get(bytes.size() - 1) != 0 && bytes.size() < maxWindows);
        return bytes;
    }

    /** The last window's bytes: 0 when a window ran clean. */
    public static long last(List<Long> windows) {
        return windows.get(windows.size() - 1);
    }
}
