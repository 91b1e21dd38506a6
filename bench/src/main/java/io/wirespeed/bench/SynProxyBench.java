package io.wirespeed.bench;

import io.wirespeed.core.Burst;
import io.wirespeed.lb.service.ForwardMethod;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Established connections through the SYN proxy on one core over memory ports ({@link LbBenchLab},
 * full NAT with TOA): {@code flows} connections opened through the proxy, then data both ways as
 * {@link LbBench} sends it, with timestamps: full NAT plus the proxy's SEQ/ACK, SACK, timestamp and
 * window translation. Compare with {@link LbBench} fnat (the same without the proxy, and without
 * timestamp options). One invocation is one worker pass of 64 packets.
 * Run: java -jar bench/target/benchmarks.jar SynProxyBench -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SynProxyBench {
    @Param({"1000", "100000"})
    public int flows;

    private LbBenchLab lab;

    @Setup(Level.Trial)
    public void setUp() {
        lab = new LbBenchLab(ForwardMethod.FULLNAT, 2 * flows, true);
        byte[][][] data = lab.establishProxied(flows);
        LbBenchLab.shuffle(data);
        byte[][] fromClients = new byte[flows][];
        byte[][] fromServers = new byte[flows][];
        for (int i = 0; i < flows; i++) {
            fromClients[i] = data[i][0];
            fromServers[i] = data[(i + flows / 2) % flows][1];
        }
        lab.fx.ports[0].loopMode(fromClients);
        lab.fx.ports[1].loopMode(fromServers);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            lab.requireNoDrops("SynProxyBench established " + flows);
        } finally {
            lab.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * Burst.MAX)
    public int established() {
        return lab.fx.worker.poll();
    }
}
