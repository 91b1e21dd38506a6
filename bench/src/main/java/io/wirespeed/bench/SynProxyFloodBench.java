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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A SYN flood against a synproxy service on one core over memory ports ({@link LbBenchLab}): every
 * packet is a SYN (Linux's options: MSS, SACK, timestamps, window scale) from one of 1000 clients,
 * answered with a cookie SYN-ACK written over its own buffer and sent back on port0. No state is
 * kept: this is what a spoofed SYN costs. Compare with {@link LbBenchNewConnections}, a SYN that
 * opens a connection and goes to a real server. One invocation is one worker pass of 32 SYNs.
 * Run: java -jar bench/target/benchmarks.jar SynProxyFloodBench -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SynProxyFloodBench {
    private static final int CLIENTS = 1000;

    private LbBenchLab lab;

    @Setup(Level.Trial)
    public void setUp() {
        lab = new LbBenchLab(ForwardMethod.FULLNAT, 1024, true);
        byte[][] frames = new byte[CLIENTS][];
        for (int i = 0; i < CLIENTS; i++) {
            frames[i] = LbBenchLab.fromClient(i, Tcp.SYN, i, 0, LbBenchLab.synOptions(1000 + i));
        }
        lab.fx.ports[0].loopMode(frames);
        lab.fx.ports[0].discardSent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            lab.requireNoDrops("SynProxyFloodBench");
            long cookies = lab.lb.synproxyCounters()[0];
            long syns = lab.fx.ports[0].stats().rxPackets();
            if (cookies != syns || lab.lb.connectionCount() != 0) {
                throw new IllegalStateException("SynProxyFloodBench: " + cookies + " cookies for " + syns + " SYNs, "
                        + lab.lb.connectionCount() + " connections");
            }
        } finally {
            lab.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int cookieAnswers() {
        return lab.fx.worker.poll();
    }
}
