package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Local traffic the data plane does not answer goes to the kernel (a TAP), and back out. */
class ExceptionPathTest {
    StackFixture fx;

    @BeforeEach
    void setUp() { fx = new StackFixture(true); }

    @AfterEach
    void tearDown() {
        fx.run();
        assertEquals(0, fx.buffersInFlight());
        fx.close();
    }

    @Test
    void tcpForUsGoesToTheKernelAndItsAnswerGoesOut() {
        byte[] syn = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).tcp(40000, 22, Tcp.SYN, 100, 0).build();
        fx.rx(0, syn);
        fx.run();
        assertTrue(fx.sent(0).isEmpty());
        var k = fx.toKernel(0);
        assertEquals(1, k.size());
        assertArrayEquals(syn, k.get(0), "the kernel sees the frame as it arrived");

        byte[] synAck = PacketBuilder.eth(PORT_MAC[0], C1_MAC).ipv4(PORT0_IP, C1).tcp(22, 40000, Tcp.SYN | Tcp.ACK, 7, 101).build();
        fx.taps[0].inject(synAck);
        fx.run();
        var out = fx.sent(0);
        assertEquals(1, out.size());
        assertArrayEquals(synAck, out.get(0));
    }

    @Test
    void echoIsStillAnsweredByTheDataPlane() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build());
        fx.run();
        assertEquals(1, fx.sent(0).size());
        assertTrue(fx.toKernel(0).isEmpty());
    }

    @Test
    void arpRepliesAreShownToTheKernelButRequestsAnsweredByUs() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, PORT0_IP).build());
        byte[] reply = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).arp(Arp.OP_REPLY, C1_MAC, C1, PORT_MAC[0], PORT0_IP).build();
        fx.rx(0, reply);
        fx.run();
        assertEquals(1, fx.sent(0).size(), "our ARP reply");
        var k = fx.toKernel(0);
        assertEquals(1, k.size());
        assertArrayEquals(Arrays.copyOf(reply, reply.length), k.get(0));
    }
}
