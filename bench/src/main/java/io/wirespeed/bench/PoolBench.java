package io.wirespeed.bench;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of a packet buffer's round trip through a worker's cache: what every received packet pays
 * once. {@code allocFreeBurst32} is the realistic shape (a burst in, a burst out) and reports ns per
 * buffer; {@code allocFreeSpill} allocates more than the cache holds, so half of each cache load
 * moves through the shared, locked stack.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PoolBench {
    private static final int SPILL = 1024;

    private PacketPool pool;
    private PoolCache cache;
    private final Burst burst = new Burst();
    private final int[] many = new int[SPILL];

    @Setup(Level.Trial)
    public void setUp() {
        pool = PacketPool.create(8192);
        cache = pool.newCache(256);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.flush();
        pool.close();
    }

    @Benchmark
    public int allocFree() {
        int b = cache.alloc();
        cache.free(b);
        return b;
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int allocFreeBurst32() {
        burst.clear();
        for (int i = 0; i < Burst.MAX; i++) {
            burst.add(cache.alloc());
        }
        for (int i = 0; i < burst.count; i++) {
            cache.free(burst.bufs[i]);
        }
        return burst.bufs[0];
    }

    @Benchmark
    @OperationsPerInvocation(SPILL)
    public int allocFreeSpill() {
        for (int i = 0; i < SPILL; i++) {
            many[i] = cache.alloc();
        }
        for (int i = 0; i < SPILL; i++) {
            cache.free(many[i]);
        }
        return many[0];
    }
}
