package io.wirespeed.bench;

import io.wirespeed.core.timer.TimerWheel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The timer wheel as a connection table uses it. {@code scheduleCancel}: arm and disarm (a
 * connection that closes before its timeout). {@code advanceOneTick}: a wheel holding
 * {@code entries} timeouts spread over a minute, advanced by one 1 ms tick per operation, each expiry
 * re-armed (steady state: about entries/60000 expiries per tick). {@code advanceIdle}: the
 * per-pass call when nothing is due, which a worker makes on every loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TimerWheelBench {
    private static final long MS = 1_000_000;
    private static final int DELAYS = 1 << 16;

    @Param({"1000000"})
    public int entries;

    private TimerWheel wheel;
    private final long[] delays = new long[DELAYS];
    private long now;
    private int nextId = 1;
    private int nextDelay;
    private TimerWheel.Expiry rearm;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < DELAYS; i++) {
            delays[i] = rnd.nextLong(MS, 60_000 * MS);
        }
        wheel = new TimerWheel(entries, MS, 0);
        for (int id = 0; id < entries; id += 2) { // odd ids stay free for scheduleCancel
            wheel.schedule(id, delays[id & (DELAYS - 1)]);
        }
        rearm = id -> wheel.schedule(id, now + delays[nextDelay++ & (DELAYS - 1)]);
    }

    @Benchmark
    public boolean scheduleCancel() {
        int id = nextId;
        nextId = nextId + 2 < entries ? nextId + 2 : 1;
        wheel.schedule(id, now + delays[id & (DELAYS - 1)]);
        return wheel.cancel(id);
    }

    @Benchmark
    public int advanceOneTick() {
        now += MS;
        return wheel.advance(now, rearm);
    }

    @Benchmark
    public int advanceIdle() {
        return wheel.advance(now, rearm);
    }
}
