package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ConnectOutcomes;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The passive check inside the checker, on a real table whose outcome counters the test bumps as a
 * worker would, and a clock the test moves: ejection, end of back-off, and the interplay with an
 * active check (neither restores a server the other has out).
 */
class PassiveCheckerTest {
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
    private static final long S = 1_000_000_000L;
    private final ServiceTable table = new ServiceTable(1, true);
    private final AtomicLong clock = new AtomicLong(1_000 * S);
    private final HealthChecker checker = new HealthChecker(table, clock::get);
    private ServerSocket alive;
    private int alivePort, deadPort;

    @BeforeEach
    void service() throws Exception {
        alive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        alivePort = alive.getLocalPort();
        deadPort = ProbeTest.closedPort();
        table.addService(VirtualService.of(WEB, "rr"));
        table.addServer(WEB, new RealServer(IpAddress.parse("127.0.0.1"), alivePort, ForwardMethod.NAT, 1, 0, 0));
        table.addServer(WEB, new RealServer(IpAddress.parse("127.0.0.1"), deadPort, ForwardMethod.NAT, 1, 0, 0));
    }

    @AfterEach
    void close() throws IOException {
        checker.close();
        alive.close();
    }

    private int index(int port) {
        ServiceEntry e = table.current().find(WEB);
        for (int i = 0; i < e.servers().size(); i++) {
            if (e.servers().get(i).port() == port) return i;
        }
        throw new AssertionError("no server on port " + port);
    }

    private boolean inhibited(int port) {
        return table.current().find(WEB).inhibited(index(port));
    }

    /** What worker 0 counts when the server resets {@code n} handshakes. */
    private void resets(int port, int n) {
        ConnectOutcomes o = table.current().find(WEB).serverCounters().get(index(port)).outcomes();
        for (int i = 0; i < n; i++) o.count(0, ConnectOutcomes.RESET);
    }

    /** Lets the health thread see the counters as they are now (its tick is 100 ms). */
    private void settle() throws InterruptedException {
        Thread.sleep(3 * HealthChecker.PASSIVE_TICK_MILLIS);
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 3 * S;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within 3 s: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aServerThatResetsIsTakenOutForItsBackOffThenRestored() throws Exception {
        checker.set(WEB, HealthCheck.parse("passive=3/10s,backoff=5s"));
        assertEquals(0, checker.monitors(), "a passive check alone probes nothing");
        settle();
        resets(alivePort, 2);
        settle();
        assertFalse(inhibited(alivePort), "2 of 3 failures");
        resets(alivePort, 1);
        waitFor(() -> inhibited(alivePort), "taken out at the third reset");
        PassiveHealth h = checker.passiveHealth(WEB, "127.0.0.1:" + alivePort);
        assertTrue(h.out());
        assertEquals("passive: 3 resets in 10s, back-off 5s", h.reason());
        assertFalse(inhibited(deadPort), "the other server has no failures");

        clock.addAndGet(4 * S);
        settle();
        assertTrue(inhibited(alivePort), "4 s of a 5 s back-off");
        clock.addAndGet(1 * S);
        waitFor(() -> !inhibited(alivePort), "restored when the back-off ends");
        assertFalse(h.out());
    }

    @Test
    void anActiveCheckThatPassesDoesNotRestoreAServerThePassiveCheckHasOut() throws Exception {
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,rise=1,fall=1,passive=2/10s,backoff=5s"));
        waitFor(() -> inhibited(deadPort), "the active check takes the dead server out");
        settle();
        resets(alivePort, 2);
        waitFor(() -> inhibited(alivePort), "the passive check takes the live server out");
        settle(); // several passing probes meanwhile
        assertTrue(inhibited(alivePort), "probes pass, the back-off runs: still out");
        assertTrue(checker.health(WEB, "127.0.0.1:" + alivePort).up());

        resets(deadPort, 2); // the dead server resets too: both checks have it out
        waitFor(() -> checker.passiveHealth(WEB, "127.0.0.1:" + deadPort).out(), "dead server ejected by the passive check");
        clock.addAndGet(5 * S);
        waitFor(() -> !inhibited(alivePort), "back-off over, probes pass: restored");
        waitFor(() -> !checker.passiveHealth(WEB, "127.0.0.1:" + deadPort).out(), "the dead server's back-off ends too");
        settle();
        assertTrue(inhibited(deadPort), "but its active check still has it down");

        ServerSocket back = new ServerSocket(deadPort, 50, InetAddress.getLoopbackAddress());
        try {
            waitFor(() -> !inhibited(deadPort), "restored once both agree");
        } finally {
            back.close();
        }
    }

    @Test
    void anActiveCheckThatRisesKeepsTheServerOutWhileItsBackOffRuns() throws Exception {
        checker.set(WEB, HealthCheck.parse("type=tcp,interval=100ms,rise=1,fall=1,passive=1/10s,backoff=5s"));
        waitFor(() -> inhibited(deadPort), "the active check takes the dead server out");
        settle();
        resets(deadPort, 1);
        waitFor(() -> checker.passiveHealth(WEB, "127.0.0.1:" + deadPort).out(), "and the passive one");
        ServerSocket back = new ServerSocket(deadPort, 50, InetAddress.getLoopbackAddress());
        try {
            waitFor(() -> checker.health(WEB, "127.0.0.1:" + deadPort).up(), "the probes pass again");
            settle();
            assertTrue(inhibited(deadPort), "the passive back-off still runs");
            clock.addAndGet(5 * S);
            waitFor(() -> !inhibited(deadPort), "restored when it ends");
        } finally {
            back.close();
        }
    }

    @Test
    void removingThePassiveCheckRestoresWhatItHadOut() throws Exception {
        checker.set(WEB, HealthCheck.parse("passive=1/10s,backoff=1h"));
        settle();
        resets(alivePort, 1);
        waitFor(() -> inhibited(alivePort), "taken out");
        assertTrue(checker.remove(WEB));
        assertFalse(inhibited(alivePort));
        assertNull(checker.passiveHealth(WEB, "127.0.0.1:" + alivePort));
    }

    @Test
    void replacingTheCheckWithAPassiveOneRestoresAndStartsAfresh() throws Exception {
        checker.set(WEB, HealthCheck.parse("passive=1/10s,backoff=1h"));
        settle();
        resets(alivePort, 1);
        waitFor(() -> inhibited(alivePort), "taken out");
        checker.set(WEB, HealthCheck.parse("passive=5/10s"));
        assertFalse(inhibited(alivePort), "a new passive check starts every server in");
        settle();
        resets(alivePort, 4);
        settle();
        assertFalse(inhibited(alivePort), "4 of 5: the new threshold applies, earlier counts do not");
    }
}
