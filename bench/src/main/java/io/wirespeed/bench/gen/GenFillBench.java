package io.wirespeed.bench.gen;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.net.addr.Mac;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How wsgen's sender should get a frame into a buffer, per packet, for a burst of 32 (ns per
 * packet): {@code prefilled} patches a buffer that already holds the template (what {@link Sender}
 * does), {@code copyTemplate} copies the whole template in first. The free at the end stands for
 * txBurst, which frees every buffer it sends.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GenFillBench {
    @Param({"64", "1518"})
    public int size;

    private PacketPool pool;
    private PoolCache cache;
    private Arena arena;
    private UdpStream stream;
    private final Burst burst = new Burst();
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        pool = PacketPool.create(1024);
        cache = pool.newCache(128);
        stream = new UdpStream(new UdpStream.Spec(Mac.parse("02:00:00:00:00:01"), Mac.parse("02:00:00:00:00:02"),
                IpAddr.parse("198.18.0.2"), IpAddr.parse("198.18.1.2"), 10_000, 9, 16, UdpStream.Vary.PORT, size), 1, arena);
        for (int buf = 0; buf < pool.capacity(); buf++) {
            stream.writeTemplate(pool.data(), pool.bufferBase(buf) + pool.headroom());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.flush();
        pool.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int prefilled() {
        return burst(false);
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int copyTemplate() {
        return burst(true);
    }

    private int burst(boolean copy) {
        MemorySegment mem = pool.data();
        long now = System.nanoTime();
        for (int i = 0; i < Burst.MAX; i++) {
            int buf = cache.alloc();
            pool.setLength(buf, stream.length());
            long at = pool.packetStart(buf);
            if (copy) {
                stream.writeTemplate(mem, at);
            }
            stream.fill(mem, at, seq & 15, seq++, now);
            burst.add(buf);
        }
        int n = burst.count;
        for (int i = 0; i < n; i++) {
            cache.free(burst.bufs[i]);
        }
        burst.clear();
        return n;
    }
}
