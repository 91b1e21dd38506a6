package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checker against a real table and real listeners on loopback: fall inhibits, rise restores. */
class HealthCheckerTest {
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
    private final ServiceTable table = new ServiceTable(1, true);
    private final HealthChecker checker = new HealthChecker(table);
    private ServerSocket alive;
    private int alivePort, deadPort;

    @AfterEach
    void close() throws IOException {
        checker.close();
        if (alive != null) alive.close();
    }

    private void service() throws IOException, LbException {
        alive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        alivePort = alive.getLocalPort();
        deadPort = ProbeTest.closedPort();
        table.addService(VirtualService.of(WEB, "rr"));
        table.addServer(WEB, server(alivePort, 2));
        table.addServer(WEB, server(deadPort, 3));
    }

    private static RealServer server(int port, int weight) {
        return new RealServer(IpAddress.parse("127.0.0.1"), port, ForwardMethod.NAT, weight, 0, 0);
    }

    private String key(int port) {
        return "127.0.0.1:" + port;
    }

    private boolean inhibited(int port) {
        ServiceEntry e = table.current().find(WEB);
        for (int i = 0; i < e.servers().size(); i++) {
            if (e.servers().get(i).port() == port) return e.inhibited(i);
        }
        throw new AssertionError("no server on port " + port);
    }

    private static long waitFor(BooleanSupplier condition, long maxMillis, String what) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > maxMillis * 1_000_000) {
                throw new AssertionError("not within " + maxMillis + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aRefusingServerIsInhibitedAfterFallFailuresAndRestoredAfterRisePasses() throws Exception {
        service();
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,timeout=100ms,rise=2,fall=3"));
        long ms = waitFor(() -> inhibited(deadPort), 2000, "the dead server inhibited");
        assertTrue(ms >= 150, "fall=3 at 100 ms needs the third check (t=200 ms), took " + ms);
        ServerHealth dead = checker.health(WEB, key(deadPort));
        assertFalse(dead.up());
        assertEquals("connect refused", dead.lastError());
        assertTrue(dead.failed() >= 3);
        assertFalse(inhibited(alivePort));
        assertTrue(checker.health(WEB, key(alivePort)).up());
        assertEquals(3, table.current().find(WEB).servers().get(1).weight(), "configured weight kept");

        ServerSocket back = new ServerSocket(deadPort, 50, InetAddress.getLoopbackAddress());
        try {
            waitFor(() -> !inhibited(deadPort), 2000, "the server restored once it listens again");
            assertTrue(dead.up());
        } finally {
            back.close();
        }
    }

    @Test
    void removingTheCheckRestoresWhatItInhibitedAndStopsItsMonitors() throws Exception {
        service();
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,fall=1"));
        waitFor(() -> inhibited(deadPort), 2000, "inhibited");
        assertEquals(2, checker.monitors());
        assertTrue(checker.remove(WEB));
        assertFalse(inhibited(deadPort));
        assertEquals(0, checker.monitors());
        assertFalse(checker.remove(WEB), "nothing to remove twice");
        assertTrue(checker.check(WEB).isEmpty());
    }

    @Test
    void serversAddedLaterAreCheckedAndRemovedOnesForgotten() throws Exception {
        service();
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,fall=1"));
        int other = ProbeTest.closedPort();
        table.addServer(WEB, server(other, 1));
        waitFor(() -> inhibited(other), 2000, "a server added later is checked too");
        table.deleteServer(WEB, IpAddress.parse("127.0.0.1"), other);
        waitFor(() -> checker.monitors() == 2, 2000, "its monitor stops");
        assertNull(checker.health(WEB, key(other)));
        table.deleteService(WEB);
        waitFor(() -> checker.monitors() == 0 && checker.checks().isEmpty(), 2000, "a deleted service takes its check along");
    }

    @Test
    void replacingTheCheckKeepsAnInhibitedServerDownUntilItRises() throws Exception {
        service();
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,fall=1"));
        waitFor(() -> inhibited(deadPort), 2000, "inhibited");
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=200ms,fall=1"));
        assertFalse(checker.health(WEB, key(deadPort)).up(), "the new monitor starts from the table's state");
        assertTrue(inhibited(deadPort));
    }

    @Test
    void aCheckForAServiceThatDoesNotExistIsRefused() {
        LbException e = assertThrows(LbException.class, () -> checker.set(WEB, HealthCheck.of(CheckType.TCP)));
        assertEquals(LbException.NO_SUCH_SERVICE, e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersCountsTimeoutsWithoutPilingUpChecks() throws Exception {
        service();
        // a listener whose accept queue is full drops SYNs: every check waits its whole timeout
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                java.net.Socket s = new java.net.Socket();
                fillers.add(s);
                try {
                    s.connect(full.getLocalSocketAddress(), 100);
                } catch (IOException e) {
                    break;
                }
            }
            table.addServer(WEB, server(full.getLocalPort(), 1));
            checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,timeout=100ms,fall=2"));
            waitFor(() -> inhibited(full.getLocalPort()), 3000, "the silent server inhibited");
            ServerHealth h = checker.health(WEB, key(full.getLocalPort()));
            assertEquals("connect timeout", h.lastError());
            assertTrue(h.timeouts() >= 2);
            assertEquals(h.failed(), h.timeouts(), "every failure was a timeout");
            assertEquals(3, checker.monitors(), "one monitor per server, however slow the server");
        } finally {
            for (java.net.Socket s : fillers) s.close();
            full.close();
        }
    }
}
