package io.wirespeed.bench;

import io.wirespeed.drivers.afxdp.ConsumerRing;
import io.wirespeed.drivers.afxdp.ProducerRing;
import io.wirespeed.drivers.afxdp.RingLayout;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The AF_XDP ring operations of the driver, on rings laid out as the kernel lays them out but in
 * ordinary memory (no kernel, one thread playing both sides): what one burst of 32 costs per frame
 * in our code for the fill ring (u64 addresses) and the rx/tx rings (16-byte descriptors).
 * Each invocation is a full burst: reserve, write, submit (release store) on one side, then peek
 * (acquire load), read, release on the other.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class XskRingBench {
    private static final int BURST = 32;
    private static final int ENTRIES = 2048;

    private Arena arena;
    private ProducerRing fill;
    private ConsumerRing fillKernel;
    private ProducerRing rxKernel;
    private ConsumerRing rx;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        RingLayout addrs = RingLayout.inMemory(ENTRIES, RingLayout.ADDR_SIZE);
        MemorySegment f = arena.allocate(addrs.mappedSize(), 4096);
        fill = new ProducerRing(f, addrs);
        fillKernel = new ConsumerRing(f, addrs);
        RingLayout descs = RingLayout.inMemory(ENTRIES, RingLayout.DESC_SIZE);
        MemorySegment r = arena.allocate(descs.mappedSize(), 4096);
        rxKernel = new ProducerRing(r, descs);
        rx = new ConsumerRing(r, descs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Lend 32 frames on the fill ring and take them as the kernel would. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long fillRoundTrip() {
        int n = fill.reserve(BURST);
        for (int i = 0; i < n; i++) {
            fill.putAddr(i, (next++ & 4095) << 11);
        }
        fill.submit(n);
        int k = fillKernel.peek(BURST);
        long sum = 0;
        for (int i = 0; i < k; i++) {
            sum += fillKernel.addr(i);
        }
        fillKernel.release(k);
        return sum;
    }

    /** The kernel posts 32 rx descriptors, we read address and length of each and release them. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long descriptorRoundTrip() {
        int n = rxKernel.reserve(BURST);
        for (int i = 0; i < n; i++) {
            rxKernel.putDesc(i, ((next++ & 4095) << 11) + 256, 60);
        }
        rxKernel.submit(n);
        int k = rx.peek(BURST);
        long sum = 0;
        for (int i = 0; i < k; i++) {
            sum += rx.addr(i) + rx.len(i);
        }
        rx.release(k);
        return sum;
    }
}
