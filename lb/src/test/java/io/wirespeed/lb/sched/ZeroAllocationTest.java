package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** select() runs per new connection on a worker: it must not allocate, whatever the scheduler. */
class ZeroAllocationTest {
    private static final int SELECTS = 1_000_000;

    @Test
    void selectAllocatesNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Destination> dests = new ArrayList<>(Dests.weights(1, 2, 3, 0, 5, 1, 1, 2, 4, 1));
        dests.set(1, new Destination(1, 2, 3, 1, dests.get(1).key())); // exercise the threshold path
        LoadCounters load = new LoadCounters(dests.size());
        SplittableRandom rnd = new SplittableRandom(41);
        FlowInput in = new FlowInput();
        for (String name : SchedulerFactory.NAMES) {
            SchedulerOptions options = switch (name) {
                case "mh" -> SchedulerOptions.parse("mh", "mh-fallback");
                case "sh" -> SchedulerOptions.parse("sh", "sh-fallback");
                case "conhash" -> SchedulerOptions.parse("conhash", "conhash-quic");
                default -> null;
            };
            Scheduler s = SchedulerFactory.create(name, dests, load, options);
            List<Long> windows = new ArrayList<>();
            for (int window = 0; window < 3; window++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < SELECTS; i++) {
                    int d = s.select(Dests.randomFlow(in, rnd));
                    // keep the loads moving so lc/wlc/thresholds take their different branches
                    load.addActive(d, (i & 1) == 0 ? 1 : -1);
                    load.addInactive(d, (i & 3) == 0 ? 1 : -1);
                }
                windows.add(mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0L, windows.get(windows.size() - 1),
                    name + ": bytes allocated per window of 1M selects: " + windows);
        }
    }
}
