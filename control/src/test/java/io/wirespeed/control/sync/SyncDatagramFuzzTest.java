package io.wirespeed.control.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.control.config.SyncConfig;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.sync.SyncLog;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sync datagrams from arbitrary bytes, through the receiver's whole check (peer, format, node id,
 * sequence) as the receive thread runs it: nothing escapes as an exception, and every datagram
 * ends either accepted (its records counted) or refused under exactly one reason. The first byte
 * picks the sender (the configured peer or a stranger), the rest is the datagram.
 */
class SyncDatagramFuzzTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private static final InetSocketAddress STRANGER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
    private static SessionSync sync;

    private static synchronized SessionSync sync() {
        if (sync == null) {
            sync = SessionSync.start(new SyncConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(PEER), 1),
                    new Worker[0], new LbPath[0], new SyncLog[0]);
        }
        return sync;
    }

    @FuzzTest(maxDuration = "5m")
    void datagrams(byte[] input) {
        if (input == null || input.length == 0) return;
        SessionSync s = sync();
        SyncCounters c = s.counters();
        long before = c.datagramsReceived(), records = c.recordsReceived(), refused = refused(c);
        MemorySegment m = MemorySegment.ofArray(java.util.Arrays.copyOfRange(input, 1, input.length));
        boolean wellFormed = SyncDatagram.check(m, input.length - 1) == null;
        s.received((input[0] & 1) == 0 ? PEER : STRANGER, m, input.length - 1);
        assertEquals(before + 1, c.datagramsReceived());
        boolean accepted = c.recordsReceived() > records;
        assertEquals(accepted ? refused : refused + 1, refused(c), "accepted or refused, exactly one");
        if (accepted) {
            assertEquals(true, wellFormed, "only well-formed datagrams are accepted");
            assertEquals(records + SyncDatagram.count(m), c.recordsReceived());
        }
    }

    private static long refused(SyncCounters c) {
        return c.rejections().values().stream().mapToLong(Long::longValue).sum();
    }
}
