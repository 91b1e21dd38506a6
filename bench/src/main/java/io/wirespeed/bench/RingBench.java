package io.wirespeed.bench;

import io.wirespeed.core.ring.SpscIntRing;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The SPSC hand-off ring: single-thread offer+poll and bulk (32, a burst) round trips measure the
 * instruction cost; the {@code crossThread} group measures a real producer/consumer pair, where
 * cache-line transfers dominate (on a 2-core VM shared with other work, read it as indicative).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingBench {
    private static final int BULK = 32;

    @State(Scope.Thread)
    public static class Local {
        final SpscIntRing ring = new SpscIntRing(1024);
        final int[] src = new int[BULK];
        final int[] dst = new int[BULK];
        int next;
    }

    @State(Scope.Group)
    public static class Shared {
        final SpscIntRing ring = new SpscIntRing(1024);
    }

    @Benchmark
    public int offerPoll(Local s) {
        s.ring.offer(s.next++);
        return s.ring.poll();
    }

    @Benchmark
    @OperationsPerInvocation(BULK)
    public int offerBulkDrain(Local s) {
        s.ring.offerBulk(s.src, 0, BULK);
        return s.ring.drain(s.dst, 0, BULK);
    }

    @Benchmark
    @Group("crossThread")
    @GroupThreads(1)
    public boolean producer(Shared s) {
        return s.ring.offer(42);
    }

    @Benchmark
    @Group("crossThread")
    @GroupThreads(1)
    public int consumer(Shared s) {
        return s.ring.poll();
    }
}
