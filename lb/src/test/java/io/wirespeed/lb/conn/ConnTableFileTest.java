package io.wirespeed.lb.conn;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection table in a shared file, as a hot restart uses it: one table fills it and goes away
 * without freeing its entries, a second one attaches and must carry on exactly where it stopped.
 */
class ConnTableFileTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final long SECOND = 1_000_000_000L;
    static final int CAPACITY = 256;
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int LIP = Ip4.parse("198.19.0.1");
    static final int RS = Ip4.parse("198.19.0.11");
    static final long T0 = 1_000 * SECOND;

    @TempDir
    Path dir;
    final List<Integer> expired = new ArrayList<>();
    final List<ConnTable> open = new ArrayList<>();

    @AfterEach
    void closeTables() {
        open.forEach(ConnTable::close);
    }

    private Path file() {
        return dir.resolve("wirespeed-test-worker0");
    }

    private ConnTable created(int capacity) {
        ConnTable t = new ConnTable(ConnTableFile.create(file(), capacity, ConnTable.newHashKey(), ConnTable.newHashKey()),
                ConnTimeouts.defaults(), expired::add, T0);
        open.add(t);
        return t;
    }

    private ConnTable attached(int capacity, long now) {
        ConnTable t = new ConnTable(ConnTableFile.attach(file(), capacity), ConnTimeouts.defaults(), expired::add, now);
        open.add(t);
        return t;
    }

    /** Closes without expiring anything: the entries stay in the file, as when a process hands over. */
    private void leave(ConnTable t, boolean handOver) {
        if (handOver) {
            t.handOver();
        }
        open.remove(t);
        t.close();
    }

    static ConnKey client(int n) {
        return new ConnKey().setV4(n % 3 == 0 ? UDP : TCP, Ip4.parse("198.18.0.2") + n, 10_000 + n, VIP, 80);
    }

    static ConnKey fnatReply(ConnKey original, int localPort) {
        return new ConnKey().setV4(original.protocol, RS, 80, LIP, localPort);
    }

    /** 200 connections (full NAT with local ports, mixed states, seq deltas) and a template; every 5th ended again. */
    private Set<Integer> fill(ConnTable t) {
        Set<Integer> live = new HashSet<>();
        int template = t.insertTemplate(new ConnKey().setTemplateV4(TCP, Ip4.parse("198.18.0.0"), VIP, 80),
                new ConnKey().setV4(TCP, RS, 80, Ip4.parse("198.18.0.0"), 0), ConnFlags.MODE_FNAT, 300, T0);
        assertTrue(template >= 0);
        live.add(template);
        for (int n = 0; n < 200; n++) {
            ConnKey original = client(n);
            int conn = t.insert(original, fnatReply(original, 2000 + 2 * n),
                    original.protocol == UDP ? ConnState.UDP : ConnState.ESTABLISHED, ConnFlags.MODE_FNAT, T0 + n);
            assertTrue(conn >= 0);
            t.destination(conn, n % 7);
            t.service(conn, n % 2);
            t.seqDelta(conn, ConnTable.ORIGINAL, 1000 + n);
            t.seqDelta(conn, ConnTable.REPLY, -1000 - n);
            t.addFlags(conn, ConnFlags.TOA_SENT);
            if (n == 1) {
                t.control(template, conn, 300, T0);
            }
            live.add(conn);
        }
        for (int conn : List.copyOf(live)) {
            if (conn % 5 == 0 && !t.isTemplate(conn)) {
                assertTrue(t.expire(conn));
                live.remove(conn);
            }
        }
        expired.clear();
        return live;
    }

    private static void assertSameEntries(Set<Integer> live, List<String> snapshot, ConnTable after) {
        assertEquals(live.size(), after.size());
        List<String> seen = new ArrayList<>();
        after.copyEntries(0, CAPACITY, T0, info -> seen.add(info.toString()));
        assertEquals(snapshot, seen, "every entry, field by field, as the first owner left it");
        for (int conn : live) {
            assertTrue(after.inUse(conn), "entry " + conn);
            for (int dir = 0; dir < 2; dir++) {
                if (dir == ConnTable.REPLY && after.isTemplate(conn)) {
                    continue; // a template's server tuple is not indexed
                }
                ConnKey k = after.tuple(conn, dir, new ConnKey());
                assertEquals(ConnTable.ref(conn, dir), after.lookup(k), "lookup " + k);
            }
        }
    }

    private static List<String> listing(ConnTable t) {
        List<String> out = new ArrayList<>();
        t.copyEntries(0, CAPACITY, T0, info -> out.add(info.toString()));
        return out;
    }

    @Test
    void aSecondTableAttachedToTheFileCarriesOnWithEveryConnection() {
        ConnTable first = created(CAPACITY);
        Set<Integer> live = fill(first);
        List<String> snapshot = listing(first);
        leave(first, true);

        ConnTable second = attached(CAPACITY, T0 + SECOND);
        assertSameEntries(live, snapshot, second);
        int template = live.stream().filter(second::isTemplate).findFirst().orElseThrow();
        assertEquals(1, second.controlled(template));
        int conn = ConnTable.conn(second.lookup(client(1)));
        assertEquals(template, second.templateOf(conn));
        assertEquals(1001, second.seqDelta(conn, ConnTable.ORIGINAL));
        assertEquals(-1001, second.seqDelta(conn, ConnTable.REPLY));
        assertEquals(2002, second.localPort(conn));
        assertTrue((second.flags(conn) & ConnFlags.TOA_SENT) != 0);
        // the state machine and counters go on
        int ref = second.lookup(client(1));
        second.updateTcp(ref, 0x01 /* FIN */, 60, T0 + 2 * SECOND);
        assertEquals(ConnState.CLOSE_WAIT, second.state(conn));
        assertEquals(1, second.packets(conn));
    }

    @Test
    void theFreeListSurvivesAndTheTableFillsToItsCapacityAgain() {
        ConnTable first = created(CAPACITY);
        Set<Integer> live = fill(first);
        leave(first, true);

        ConnTable second = attached(CAPACITY, T0);
        Set<Integer> ids = new HashSet<>(live);
        int added = 0;
        for (int n = 1000; ; n++) {
            ConnKey original = new ConnKey().setV4(TCP, Ip4.parse("198.18.5.1"), n, VIP, 80);
            int conn = second.insert(original, fnatReply(original, 30_000 + n), ConnState.NONE, ConnFlags.MODE_FNAT, T0);
            if (conn < 0) {
                break;
            }
            assertTrue(ids.add(conn), "id " + conn + " handed out twice");
            added++;
        }
        assertEquals(CAPACITY - live.size(), added);
        assertEquals(CAPACITY, second.size());
        assertEquals(1, second.refusedFull());
        // a tuple of a carried connection is still taken
        assertEquals(-1, second.insert(client(1), fnatReply(client(1), 9), ConnState.NONE, ConnFlags.MODE_FNAT, T0));
    }

    @Test
    void carriedConnectionsExpireOnTheirOldActivityPlusTimeout() {
        ConnTable first = created(CAPACITY);
        Set<Integer> live = fill(first);
        leave(first, true);

        ConnTimeouts timeouts = ConnTimeouts.defaults();
        ConnTable second = attached(CAPACITY, T0 + SECOND);
        long udpDue = T0 + 200 + timeouts.nanos(ConnState.UDP);
        second.advance(udpDue - SECOND);
        assertEquals(List.of(), expired);
        int udp = (int) live.stream().filter(c -> !second.isTemplate(c) && second.protocol(c, 0) == UDP).count();
        second.advance(udpDue);
        assertEquals(udp, expired.size(), "expired " + expired);
        second.advance(T0 + 200 + timeouts.nanos(ConnState.ESTABLISHED));
        second.advance(T0 + 200 + timeouts.nanos(ConnState.ESTABLISHED) + 400 * SECOND); // the template, once its connection is gone
        assertEquals(live.size(), expired.size());
        assertEquals(0, second.size());
    }

    @Test
    void anOwnerThatDiedWithoutHandingOverLeavesATableThatIsRecounted() {
        ConnTable first = created(CAPACITY);
        Set<Integer> live = fill(first);
        List<String> snapshot = listing(first);
        leave(first, false);

        ConnTable second = attached(CAPACITY, T0 + SECOND);
        assertSameEntries(live, snapshot, second);
        int added = 0;
        for (int n = 0; second.insert(new ConnKey().setV4(UDP, LIP, n, VIP, 53), new ConnKey().setV4(UDP, RS, 53, LIP, n + 1),
                ConnState.UDP, ConnFlags.MODE_FNAT, T0) >= 0; n++) {
            added++;
        }
        assertEquals(CAPACITY - live.size(), added);
    }

    @Test
    void everyAttachCountsAGeneration() {
        leave(created(16), true);
        ConnTable second = attached(16, T0);
        assertEquals(1, second.file().generation());
        assertTrue(second.file().attached());
        leave(second, true);
        assertEquals(2, attached(16, T0).file().generation());
    }

    @Test
    void aFileOfAnotherCapacityIsRefusedNamingBoth() {
        leave(created(64), true);
        var e = assertThrows(IllegalStateException.class, () -> attached(128, T0));
        assertTrue(e.getMessage().contains("64 connections") && e.getMessage().contains("asks for 128"), e.getMessage());
    }

    @Test
    void aMissingFileIsAClearError() {
        var e = assertThrows(IllegalStateException.class, () -> ConnTableFile.attach(dir.resolve("absent"), 16));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void foreignTruncatedOrCorruptFilesAreRefused() throws IOException {
        Files.write(file(), new byte[100]);
        assertRefused("shorter than the");

        Files.write(file(), new byte[8192]);
        assertRefused("not a connection table file");

        leave(created(16), true);
        poke(ConnTableFile.OFF_CAPACITY, 17); // a torn or edited layout word: the checksum catches it
        assertRefused("checksum");

        leave(created(16), true);
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.truncate(ConnTableFile.HEADER_BYTES + 100);
        }
        assertRefused("its layout needs");
    }

    @Test
    void aHandoverThatContradictsTheEntriesIsRefused() throws IOException {
        ConnTable first = created(CAPACITY);
        fill(first);
        leave(first, true);
        poke(ConnTableFile.OFF_SIZE, 3);
        var e = assertThrows(IllegalStateException.class, () -> attached(CAPACITY, T0));
        assertTrue(e.getMessage().contains("inconsistent"), e.getMessage());
    }

    @Test
    void callerWordsTravelWithTheFile() {
        ConnTable first = created(16);
        first.file().word(3, 0xC0FFEEL);
        leave(first, true);
        assertEquals(0xC0FFEEL, attached(16, T0).file().word(3));
        assertThrows(IllegalArgumentException.class, () -> open.getFirst().file().word(ConnTableFile.WORDS));
    }

    @Test
    void unsafeNamesAreRefused() {
        assertEquals(Path.of("/dev/shm/wirespeed-lb1-worker2"), ConnTableFile.defaultPath("lb1", 2));
        assertThrows(IllegalArgumentException.class, () -> ConnTableFile.defaultPath("../etc", 0));
        assertThrows(IllegalArgumentException.class, () -> ConnTableFile.defaultPath("", 0));
    }

    private void assertRefused(String why) {
        var e = assertThrows(IllegalStateException.class, () -> ConnTableFile.attach(file(), 16));
        assertTrue(e.getMessage().contains(why) && e.getMessage().contains(file().toString()), e.getMessage());
    }

    private void poke(long offset, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(value).flip();
            ch.write(b, offset);
        }
    }
}
