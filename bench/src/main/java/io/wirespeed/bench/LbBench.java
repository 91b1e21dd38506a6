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
 * Established connections through the load balancer on one core over memory ports (see
 * {@link LbBenchLab}): {@code flows} TCP connections are opened by real handshakes first, then
 * every invocation is one worker pass that receives a burst of 32 data segments from clients on
 * port0 (looked up, rewritten towards the real servers, sent on port1) and a burst of 32 of the
 * servers' replies on port1 (looked up by the reply tuple, rewritten back, sent on port0): both
 * directions alternately, 64 packets. The flows come in a shuffled order, so consecutive packets
 * touch unrelated table entries; with 100 000 flows the table no longer fits in the caches.
 * The memory port copies each 64-byte frame in, as a copy driver does, and discards it on tx.
 * Run: java -jar bench/target/benchmarks.jar LbBench -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LbBench {
    /** fnat: full NAT (source to a local address, destination to the server); nat: destination NAT. */
    @Param({"fnat", "nat"})
    public String mode;

    @Param({"1000", "100000"})
    public int flows;

    private LbBenchLab lab;

    @Setup(Level.Trial)
    public void setUp() {
        ForwardMethod method = switch (mode) {
            case "fnat" -> ForwardMethod.FULLNAT;
            case "nat" -> ForwardMethod.NAT;
            default -> throw new IllegalArgumentException("mode " + mode + ": fnat or nat");
        };
        lab = new LbBenchLab(method, 2 * flows);
        byte[][][] data = lab.establish(flows);
        LbBenchLab.shuffle(data);
        byte[][] fromClients = new byte[flows][];
        byte[][] fromServers = new byte[flows][];
        for (int i = 0; i < flows; i++) {
            fromClients[i] = data[i][0];
            fromServers[i] = data[(i + flows / 2) % flows][1]; // another flow than the client burst's
        }
        lab.fx.ports[0].loopMode(fromClients);
        lab.fx.ports[1].loopMode(fromServers);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            lab.requireNoDrops("LbBench " + mode + " " + flows);
            if (lab.lb.connectionCount() != flows) {
                throw new IllegalStateException("LbBench: " + lab.lb.connectionCount() + " connections of " + flows + " left");
            }
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
