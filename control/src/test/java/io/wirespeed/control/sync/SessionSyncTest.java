package io.wirespeed.control.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.config.SyncConfig;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.sync.SyncLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving side over real UDP sockets on the loopback: a node without workers (so nothing is
 * installed), fed by a socket bound to its configured peer's address and by a stranger. Every bad
 * datagram is counted under its reason and the thread keeps receiving.
 */
class SessionSyncTest {
    DatagramChannel peer;
    DatagramChannel stranger;
    SessionSync sync;
    InetSocketAddress listen;

    @BeforeEach
    void setUp() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        peer = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        stranger = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress(lo, 0))) {
            listen = (InetSocketAddress) probe.getLocalAddress(); // a free port
        }
        sync = SessionSync.start(new SyncConfig(listen, List.of((InetSocketAddress) peer.getLocalAddress()), 1),
                new Worker[0], new LbPath[0], new SyncLog[0]);
    }

    @AfterEach
    void tearDown() throws IOException {
        sync.close();
        peer.close();
        stranger.close();
    }

    private void send(DatagramChannel from, MemorySegment datagram) throws IOException {
        from.send(ByteBuffer.wrap(datagram.toArray(ValueLayout.JAVA_BYTE)), listen);
    }

    private static void await(LongSupplier counter, long value) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counter.getAsLong() < value) {
            assertTrue(System.nanoTime() < deadline, "counter reached " + counter.getAsLong() + ", expected " + value);
            Thread.onSpinWait();
        }
    }

    @Test
    void badDatagramsAreCountedByReasonAndReceivingGoesOn() throws IOException {
        SyncCounters c = sync.counters();
        send(stranger, SyncDatagramTest.datagram(2, 1, 0, 1));
        await(() -> c.rejected(SyncReject.UNKNOWN_PEER), 1);
        send(peer, MemorySegment.ofArray(new byte[] {1, 2, 3}));
        await(() -> c.rejected(SyncReject.TOO_SHORT), 1);
        MemorySegment bad = SyncDatagramTest.datagram(2, 1, 0, 1);
        bad.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        send(peer, bad);
        await(() -> c.rejected(SyncReject.BAD_MAGIC), 1);
        send(peer, SyncDatagramTest.datagram(1, 1, 0, 1));
        await(() -> c.rejected(SyncReject.OWN_NODE_ID), 1);

        send(peer, SyncDatagramTest.datagram(2, 7, 0, 2));
        send(peer, SyncDatagramTest.datagram(2, 7, 0, 2));
        await(() -> c.rejected(SyncReject.OLD_SEQUENCE), 1);
        send(peer, SyncDatagramTest.datagram(2, 7, 4, 1));
        await(c::recordsReceived, 3); // counted after the gap: the last thing the receiver does with a datagram
        assertEquals(3, c.datagramsLost(), "sequences 1, 2 and 3 never came");
        assertEquals(3, c.recordsReceived(), "records of the accepted datagrams only");
        send(peer, SyncDatagramTest.datagram(2, 8, 0, 1));
        await(c::recordsReceived, 4);
        assertEquals(1, c.peerRestarts(), "a new epoch");
        assertEquals(8, c.datagramsReceived());
        assertEquals(1, c.rejected(SyncReject.UNKNOWN_PEER));
    }

    @Test
    void statusNamesSettingsAndCounters() {
        var s = sync.status();
        assertEquals(SessionSync.text(listen), s.get("listen"));
        assertEquals(1L, s.get("node_id"));
        assertTrue(s.containsKey("rejected") && s.containsKey("records"), s.toString());
    }

    @Test
    void anAddressThisHostDoesNotHaveIsRefusedAtStart() throws IOException {
        SyncConfig config = new SyncConfig(new InetSocketAddress(InetAddress.getByName("198.51.100.77"), 8848),
                List.of(listen), 3);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> SessionSync.start(config, new Worker[0], new LbPath[0], new SyncLog[0]));
        assertTrue(e.getMessage().startsWith("sync.listen: cannot bind UDP 198.51.100.77:8848"), e.getMessage());
    }
}
