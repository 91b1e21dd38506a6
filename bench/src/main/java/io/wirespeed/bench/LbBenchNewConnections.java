package io.wirespeed.bench;

import io.wirespeed.core.Burst;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.net.proto.Tcp;
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
 * New connections through the load balancer on one core over memory ports (see {@link LbBenchLab}).
 *
 * <p>Method: a loop of {@code flows} client tuples, each sending a SYN and then a FIN. The SYN is
 * scheduled (rr), gets a connection (and for full NAT a local port), is rewritten and sent to its
 * server; the FIN moves the connection to TIME_WAIT. When the loop comes round, the tuple's next
 * SYN finds its old connection in TIME_WAIT and, as IPVS does for a reused client port, expires it
 * (the server's counts and the local port are given back) and schedules a new one. So every SYN is
 * a new connection, the table holds {@code flows} connections forever without waiting for timers,
 * and each connection's cost includes its teardown and one more packet (the FIN): an upper bound of
 * what a new connection costs, not the SYN alone. One invocation = one rx burst of 32 frames on
 * port0 = 16 connections opened and closed. Connections per second = 16 / (time per invocation).
 * Run: java -jar bench/target/benchmarks.jar LbBenchNewConnections -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LbBenchNewConnections {
    @Param({"fnat", "nat"})
    public String mode;

    /** Client tuples in the loop = connections in the table (in TIME_WAIT between their turns). */
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
        Integer[] order = new Integer[flows];
        for (int i = 0; i < flows; i++) {
            order[i] = i;
        }
        LbBenchLab.shuffle(order);
        byte[][] frames = new byte[2 * flows][];
        for (int i = 0; i < flows; i++) {
            frames[2 * i] = LbBenchLab.fromClient(order[i], Tcp.SYN);
            frames[2 * i + 1] = LbBenchLab.fromClient(order[i], Tcp.FIN | Tcp.ACK);
        }
        lab.fx.ports[0].loopMode(frames);
        lab.fx.ports[1].discardSent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            lab.requireNoDrops("LbBenchNewConnections " + mode + " " + flows);
            long received = lab.fx.ports[0].stats().rxPackets();
            long scheduled = lab.counters().conns();
            // every SYN (half of what port0 received) must have been scheduled as a new connection
            if (Math.abs(2 * scheduled - received) > 1 || lab.lb.connectionCount() != flows) {
                throw new IllegalStateException("LbBenchNewConnections: " + scheduled + " connections scheduled for "
                        + received + " packets, " + lab.lb.connectionCount() + " in the table");
            }
        } finally {
            lab.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int synAndFin() {
        return lab.fx.worker.poll();
    }
}
