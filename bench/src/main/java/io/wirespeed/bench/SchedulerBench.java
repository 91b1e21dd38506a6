package io.wirespeed.bench;

import io.wirespeed.lb.sched.Destination;
import io.wirespeed.lb.sched.FlowInput;
import io.wirespeed.lb.sched.LoadCounters;
import io.wirespeed.lb.sched.Scheduler;
import io.wirespeed.lb.sched.SchedulerFactory;
import io.wirespeed.lb.sched.SchedulerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code select()} per new connection, for every scheduler over 10 and 100 destinations with
 * weights 1..10 and random connection counts (so lc/wlc really compare). Flows are IPv4 TCP from
 * 64 Ki random clients, cycled so the branch predictor cannot learn them; the cost includes filling
 * the {@link FlowInput}, as the data path does. Loads stay fixed: lc/wlc scan every destination
 * either way, which is what the figure shows.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar SchedulerBench -f 1 -wi 2 -i 3 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SchedulerBench {
    private static final int FLOWS = 1 << 16;

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "conhash", "mh", "fo"})
    public String scheduler;

    @Param({"10", "100"})
    public int destinations;

    private Scheduler s;
    private final FlowInput in = new FlowInput();
    private final int[] sources = new int[FLOWS];
    private final int[] ports = new int[FLOWS];
    private int next;

    @Setup
    public void build() {
        SplittableRandom rnd = new SplittableRandom(20240605);
        List<Destination> dests = new ArrayList<>();
        LoadCounters load = new LoadCounters(destinations);
        for (int i = 0; i < destinations; i++) {
            dests.add(Destination.of(i, "198.19." + i / 200 + "." + (11 + i % 200) + ":80", 1 + rnd.nextInt(10)));
            load.set(i, rnd.nextInt(1000), rnd.nextInt(1000));
        }
        SchedulerOptions options = scheduler.equals("mh") ? SchedulerOptions.parse("mh", "mh-fallback")
                : scheduler.equals("sh") ? SchedulerOptions.parse("sh", "sh-fallback") : SchedulerOptions.DEFAULT;
        s = SchedulerFactory.create(scheduler, dests, load, options);
        for (int i = 0; i < FLOWS; i++) {
            sources[i] = rnd.nextInt();
            ports[i] = 1024 + rnd.nextInt(64512);
        }
    }

    @Benchmark
    public int select() {
        int i = next++ & (FLOWS - 1);
        return s.select(in.ipv4(6, sources[i], ports[i], 0xC6120064, 80));
    }
}
