package io.wirespeed.bench;

import static io.wirespeed.net.stack.StackFixture.*;

import io.wirespeed.core.Burst;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.PacketBuilder;
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
 * The router pipeline on one core over memory ports: every invocation is one worker pass that
 * receives a burst of 32 frames on port0, routes them (LPM, neighbour, TTL, checksum, L2 rewrite)
 * and transmits them on port2. The memory port copies each frame in (as AF_PACKET would) and
 * discards it on tx, so the figure is the stack's cost plus one 64-byte copy per packet.
 * Run: java -jar bench/target/benchmarks.jar RouterBench -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class RouterBench {
    /** ipv4: UDP 64-byte frames forwarded; ipv6: the same over IPv6; echo: ICMP echo answered in place. */
    @Param({"ipv4", "ipv6", "echo"})
    public String traffic;

    private StackFixture fx;

    @Setup(Level.Trial)
    public void setUp() {
        fx = new StackFixture(false);
        fx.learn(2, C2, C2_MAC);
        fx.control.addNeighbour("port2", Ip6.format(C2_V6[0], C2_V6[1]), C2_MAC);
        byte[] frame = switch (traffic) {
            case "ipv4" -> PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1000, 2000).payload(new byte[18]).build();
            case "ipv6" -> PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).udp(1000, 2000).payload(new byte[10]).build();
            case "echo" -> PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1)
                    .payload(new byte[18]).build();
            default -> throw new IllegalArgumentException(traffic);
        };
        fx.ports[0].loopMode(new byte[][] {frame});
        fx.ports[2].discardSent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fx.close();
    }

    @Benchmark
    @OperationsPerInvocation(Burst.MAX)
    public int forwardBurst() {
        return fx.worker.poll();
    }
}
