package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.RS1_MAC;
import static io.wirespeed.net.stack.StackFixture.C1_MAC;
import static io.wirespeed.net.stack.StackFixture.PORT_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.testing.FuzzFrames;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The input of the load balancer's conversation fuzz targets (LbPathFuzzTest, SynProxyFuzzTest):
 * records of a flags byte, a length byte and that many bytes of IP packet, played in order through an
 * {@link LbFixture}. Flags: {@link #FROM_SERVER} (the packet arrives from RS1 on port 1, else from the
 * client on port 0), {@link #IPV6}, the low 3 bits are the length's high bits, and 0x08..0x20 are
 * the target's own.
 */
final class FuzzConversation {
    static final int FROM_SERVER = 0x80;
    static final int IPV6 = 0x40;

    private FuzzConversation() {}

    /** What a target does with one record: {@code frame} is the packet in an Ethernet frame, not yet repaired. */
    interface Step {
        void play(int flags, byte[] frame);
    }

    /** Plays at most {@code max} records of {@code records}; a truncated last record keeps what is there. */
    static void play(byte[] records, int max, Step step) {
        int at = 0;
        for (int n = 0; at + 2 <= records.length && n < max; n++) {
            int flags = records[at] & 0xFF;
            int len = ((flags & 0x07) << 8) | (records[at + 1] & 0xFF);
            at += 2;
            byte[] packet = Arrays.copyOfRange(records, at, Math.min(records.length, at + len));
            at += packet.length;
            boolean fromServer = (flags & FROM_SERVER) != 0;
            boolean v6 = (flags & IPV6) != 0;
            step.play(flags, FuzzFrames.ethernet(PORT_MAC[fromServer ? 1 : 0], fromServer ? RS1_MAC : C1_MAC,
                    v6 ? Ethernet.TYPE_IPV6 : Ethernet.TYPE_IPV4, packet));
        }
    }

    /** Fixes the IP header's lengths and checksum so the fuzzer's bytes get past the first check. */
    static void repair(byte[] frame, int flags) {
        if ((flags & IPV6) != 0) {
            FuzzFrames.repairIpv6(frame, 14);
        } else {
            FuzzFrames.repairIpv4(frame, 14);
        }
    }

    /** Pairs of (flags, packet) as records: for seeds. */
    static byte[] records(Object... flagsAndPackets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < flagsAndPackets.length; i += 2) {
            int flags = (Integer) flagsAndPackets[i];
            byte[] p = (byte[]) flagsAndPackets[i + 1];
            out.write(flags | (p.length >>> 8));
            out.write(p.length);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Runs every clock the conversation may have started (connections, fragments, neighbours) to its
     * end and checks that nothing is left: no connection, no buffer out of the pool. So each input starts
     * from the same state and a finding replays on its own.
     */
    static void expireAndCheckNothingLeft(LbFixture f) {
        f.net.clearSent();
        f.expireAll();
        f.net.expireFragments(); // fragments the router holds for reassembly (not to a VIP) have their own clock
        f.net.expireNeighbours();
        f.net.clearSent();
        assertEquals(0, f.lb.connectionCount(), "every connection timed out");
        assertEquals(0, f.net.buffersInFlight(), "every buffer is back in the pool (held segments included)");
    }
}
