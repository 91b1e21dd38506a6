package io.wirespeed.bench;

import io.wirespeed.net.lpm.Lpm4;
import io.wirespeed.net.lpm.Lpm6;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookups over tables of about 1000 random prefixes, the shape of a load balancer's table
 * (mostly /16../24 for IPv4, /32../64 for IPv6, some longer), for addresses half inside the routes
 * (so many lookups go through groups) and half anywhere. Addresses cycle through 64 Ki entries so
 * the branch predictor cannot learn them; the tables themselves are 64 MiB (IPv4) and do not fit in
 * cache, as in production.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar LpmBench -f 1 -wi 2 -i 3 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LpmBench {
    private static final int PREFIXES = 1000;
    private static final int ADDRESSES = 1 << 16;
    private static final int BURST = 32;

    private Lpm4 v4;
    private Lpm6 v6;
    private final int[] addrs4 = new int[ADDRESSES];
    private final int[][] bursts4 = new int[ADDRESSES / BURST][];
    private final long[] his = new long[ADDRESSES];
    private final long[] los = new long[ADDRESSES];
    private final int[] hops = new int[BURST];
    private int next;

    @Setup
    public void fillTables() {
        Random rnd = new Random(20240601);
        v4 = new Lpm4(1024);
        int[] prefixes4 = new int[PREFIXES];
        int[] lens4 = new int[PREFIXES];
        for (int i = 0; i < PREFIXES; i++) {
            int pick = rnd.nextInt(100);
            int len = pick < 60 ? 24 : pick < 80 ? 16 + rnd.nextInt(8) : 25 + rnd.nextInt(8);
            int prefix = rnd.nextInt() & (int) (0xffff_ffffL << (32 - len));
            v4.add(prefix, len, i);
            prefixes4[i] = prefix;
            lens4[i] = len;
        }
        v6 = new Lpm6(16384);
        long[] prefixes6 = new long[PREFIXES * 2];
        int[] lens6 = new int[PREFIXES];
        for (int i = 0; i < PREFIXES; i++) {
            int pick = rnd.nextInt(100);
            int len = pick < 40 ? 48 : pick < 80 ? 32 + rnd.nextInt(33) : 65 + rnd.nextInt(64);
            long hi = 0x2001_0000_0000_0000L | rnd.nextLong() >>> 16 & highMask(len);
            long lo = rnd.nextLong() & lowMask(len);
            v6.add(hi, lo, len, i);
            prefixes6[2 * i] = hi;
            prefixes6[2 * i + 1] = lo;
            lens6[i] = len;
        }
        for (int i = 0; i < ADDRESSES; i++) {
            int r = rnd.nextInt(PREFIXES);
            addrs4[i] = rnd.nextBoolean() ? rnd.nextInt()
                    : prefixes4[r] | rnd.nextInt() & (int) (0xffff_ffffL >>> lens4[r]);
            if (rnd.nextBoolean()) {
                his[i] = rnd.nextLong();
                los[i] = rnd.nextLong();
            } else {
                his[i] = prefixes6[2 * r] | rnd.nextLong() & ~highMask(lens6[r]);
                los[i] = prefixes6[2 * r + 1] | rnd.nextLong() & ~lowMask(lens6[r]);
            }
        }
        for (int b = 0; b < bursts4.length; b++) {
            bursts4[b] = Arrays.copyOfRange(addrs4, b * BURST, (b + 1) * BURST);
        }
    }

    @TearDown
    public void close() {
        v4.close();
        v6.close();
    }

    @Benchmark
    public int lookup4() {
        return v4.lookup(addrs4[next++ & (ADDRESSES - 1)]);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int lookupBurst4() {
        return v4.lookupBurst(bursts4[next++ & (bursts4.length - 1)], hops, BURST);
    }

    @Benchmark
    public int lookup6() {
        int i = next++ & (ADDRESSES - 1);
        return v6.lookup(his[i], los[i]);
    }

    private static long highMask(int len) {
        return len >= 64 ? -1L : -1L << (64 - len);
    }

    private static long lowMask(int len) {
        return len <= 64 ? 0 : -1L << (128 - len);
    }
}
