package io.wirespeed.lb.sched;

import io.wirespeed.core.testing.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** select() runs per new connection on a worker: it must not allocate, whatever the scheduler. */
class ZeroAllocationTest {
    private static final int SELECTS = 1_000_000;

    private final SplittableRandom rnd = new SplittableRandom(41);
    private final FlowInput in = new FlowInput();

    @Test
    void selectAllocatesNothing() {
        List<Destination> dests = new ArrayList<>(Dests.weights(1, 2, 3, 0, 5, 1, 1, 2, 4, 1));
        dests.set(1, new Destination(1, 2, 3, 1, dests.get(1).key())); // exercise the threshold path
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packet = arena.allocate(64);
            ConsistentHashingTest.writeInitial(packet, 0, 0x1122334455667788L);
            for (String name : SchedulerFactory.NAMES) {
                SchedulerOptions options = switch (name) {
                    case "mh" -> SchedulerOptions.parse("mh", "mh-fallback");
                    case "sh" -> SchedulerOptions.parse("sh", "sh-fallback");
                    case "conhash" -> SchedulerOptions.parse("conhash", "conhash-quic");
                    default -> null;
                };
                LoadCounters load = new LoadCounters(dests.size());
                Scheduler s = SchedulerFactory.create(name, dests, load, options);
                List<Long> windows = SteadyStateAllocation.windows(() -> run(s, load, packet), 5);
                assertEquals(0L, SteadyStateAllocation.last(windows),
                        name + ": bytes allocated per window of 1M selects: " + windows);
            }
        }
    }

    private void run(Scheduler s, LoadCounters load, MemorySegment quicInitial) {
        for (int i = 0; i < SELECTS; i++) {
            if ((i & 3) == 0) { // now and then a QUIC Initial, whose connection id conhash-quic hashes
                in.ipv4(FlowInput.UDP, rnd.nextInt(), 40000, 0xC6120064, FlowInput.QUIC_PORT);
                in.quicLongHeader(quicInitial, 0, 64);
            } else {
                Dests.randomFlow(in, rnd);
            }
            int d = s.select(in);
            // keep the loads moving so lc/wlc/thresholds take their different branches
            load.addActive(d, (i & 1) == 0 ? 1 : -1);
            load.addInactive(d, (i & 3) == 0 ? 1 : -1);
        }
    }
}
