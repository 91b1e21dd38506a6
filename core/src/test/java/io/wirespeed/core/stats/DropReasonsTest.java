package io.wirespeed.core.stats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class DropReasonsTest {
    // The registry is process wide: names here are unique to this class.

    @Test
    void registeringTheSameStageAndNameReturnsTheSameReason() {
        DropReason a = DropReasons.register("test-idem", "bad-checksum");
        DropReason b = DropReasons.register("test-idem", "bad-checksum");
        DropReason c = DropReasons.register("test-idem", "ttl-exceeded");
        DropReason d = DropReasons.register("test-idem2", "bad-checksum");
        assertSame(a, b);
        assertNotEquals(a.id(), c.id());
        assertNotEquals(a.id(), d.id());
        assertEquals("test-idem/bad-checksum", a.toString());
        assertSame(c, DropReasons.byId(c.id()));
    }

    @Test
    void allListsReasonsInIdOrderWithDenseIds() {
        DropReason r = DropReasons.register("test-all", "x");
        List<DropReason> all = DropReasons.all();
        assertEquals(DropReasons.count(), all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).id());
        }
        assertTrue(all.contains(r));
        assertThrows(UnsupportedOperationException.class, () -> all.add(r), "callers get a read-only view");
    }

    @Test
    void concurrentRegistrationsAgreeOnOneReasonPerName() throws Exception {
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<DropReason> seen = ConcurrentHashMap.newKeySet();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 20; i++) {
                    seen.add(DropReasons.register("test-race", "reason-" + i));
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(20, seen.size(), "one instance per name, whoever registered first");
        assertEquals(20, seen.stream().mapToInt(DropReason::id).distinct().count());
    }

    @Test
    void emptyOrMalformedNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DropReasons.register(null, "x"));
        assertThrows(IllegalArgumentException.class, () -> DropReasons.register("ipv4", ""));
        assertThrows(IllegalArgumentException.class, () -> DropReasons.register("ipv4", "  "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropReasons.register("ip/v4", "x"));
        assertTrue(e.getMessage().contains("ip/v4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DropReasons.register("ipv4", " padded"));
        assertThrows(IllegalArgumentException.class, () -> DropReasons.byId(-1));
        assertThrows(IllegalArgumentException.class, () -> DropReasons.byId(DropReasons.MAX));
    }

    @Test
    void aFullTableRefusesNewNamesButStillFindsOldOnes() {
        DropReasonTable table = new DropReasonTable(3);
        DropReason first = table.register("s", "a");
        table.register("s", "b");
        table.register("s", "c");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.register("s", "d"));
        assertTrue(e.getMessage().contains("s/d") && e.getMessage().contains("3"), e.getMessage());
        assertSame(first, table.register("s", "a"));
        assertEquals(3, table.all().size());
    }
}
