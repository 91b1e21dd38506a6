package io.wirespeed.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wirespeed.control.config.BgpConfig;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The announcer against a real BIRD: what BIRD holds is read back from BIRD itself. */
class VipAnnouncerTest {
    private static final String VIP = "198.18.0.100", VIP6 = "2001:db8::100";
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, IpAddress.parse(VIP), 80);
    private static final ServiceKey WEB6 = new ServiceKey(Protocol.TCP, IpAddress.parse(VIP6), 80);
    private static final RealServer RS1 = new RealServer(IpAddress.parse("198.19.0.11"), 80, ForwardMethod.DR, 1, 0, 0);
    private static final RealServer RS2 = new RealServer(IpAddress.parse("198.19.0.12"), 80, ForwardMethod.DR, 1, 0, 0);

    @TempDir
    Path dir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) { log.add(r.getMessage()); }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger logger = Logger.getLogger(VipAnnouncer.class.getName());

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(capture);
    }

    private BgpConfig config(BirdDaemon bird, Duration holdDown) {
        return new BgpConfig(bird.socket(), bird.include(), "ws", "master4", "master6", holdDown);
    }

    private static ServiceTable webService() throws Exception {
        ServiceTable table = new ServiceTable(1, true);
        table.addService(VirtualService.of(WEB, "mh"));
        table.addServer(WEB, RS1);
        table.addServer(WEB, RS2);
        return table;
    }

    @Test
    void aVipIsAnnouncedWhileItHasAHealthyServerAndWithdrawnWhenItHasNone() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            ServiceTable table = webService();
            table.addService(VirtualService.of(WEB6, "rr"));
            try (VipAnnouncer announcer = VipAnnouncer.start(config(bird, Duration.ZERO), table)) {
                await(() -> routes(bird, "ws4").equals(List.of(VIP + "/32")), "the VIP is announced", bird);
                // the IPv6 service has no server: nothing in ws6
                assertEquals(List.of(), routes(bird, "ws6"));
                await(() -> announcer.status().vips().get(VIP6) == BgpStatus.VipState.WITHDRAWN, "status: no server, withdrawn", bird);

                table.setInhibited(WEB, RS1.key(), true);
                Thread.sleep(200);
                assertEquals(List.of(VIP + "/32"), routes(bird, "ws4"), "one healthy server is enough");
                table.setInhibited(WEB, RS2.key(), true);
                await(() -> routes(bird, "ws4").isEmpty(), "the VIP is withdrawn with its last healthy server", bird);
                await(() -> announcer.status().vips().get(VIP) == BgpStatus.VipState.WITHDRAWN, "status says withdrawn", bird);

                table.addServer(WEB6, new RealServer(IpAddress.parse("2001:db8:19::11"), 80, ForwardMethod.DR, 1, 0, 0));
                await(() -> routes(bird, "ws6").equals(List.of(VIP6 + "/128")), "the IPv6 VIP is announced", bird);
                // BIRD shows the route as soon as it takes the change; the announcer counts it when BIRD's reply arrives
                await(() -> announcer.status().announcements() == 2, "the second announcement counted", bird);
                BgpStatus s = announcer.status();
                assertEquals("ok", s.bird());
                assertEquals(2, s.announcements());
                assertEquals(1, s.withdrawals());
                assertEquals(0, s.errors());
            }
            // shutdown withdraws everything, in BIRD and in the file BIRD would read after a restart
            assertEquals(List.of(), routes(bird, "ws4"));
            assertEquals(List.of(), routes(bird, "ws6"));
            assertFalse(Files.readString(bird.include()).contains("route "), Files.readString(bird.include()));
        }
    }

    @Test
    void aRecoveredVipWaitsOutTheHoldDownButAWithdrawalDoesNot() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            ServiceTable table = webService();
            Duration hold = Duration.ofMillis(700);
            long t0 = System.nanoTime();
            try (VipAnnouncer announcer = VipAnnouncer.start(config(bird, hold), table)) {
                await(() -> announcer.status().vips().get(VIP) == BgpStatus.VipState.HOLD_DOWN, "held down at start", bird);
                assertEquals(List.of(), routes(bird, "ws4"));
                await(() -> routes(bird, "ws4").equals(List.of(VIP + "/32")), "announced after the hold-down", bird);
                assertTrue(System.nanoTime() - t0 >= hold.toNanos(), "not before the hold-down");

                long down = System.nanoTime();
                table.setInhibited(WEB, RS1.key(), true);
                table.setInhibited(WEB, RS2.key(), true);
                await(() -> routes(bird, "ws4").isEmpty(), "withdrawn", bird);
                assertTrue(System.nanoTime() - down < hold.toNanos(), "a withdrawal does not wait for the hold-down");

                long up = System.nanoTime();
                table.setInhibited(WEB, RS2.key(), false);
                await(() -> routes(bird, "ws4").equals(List.of(VIP + "/32")), "announced again", bird);
                assertTrue(System.nanoTime() - up >= hold.toNanos(), "re-announced only after the hold-down");
            }
        }
    }

    @Test
    void anUnreachableBirdIsLoggedOnceCountedRetriedAndCaughtUpWith() throws Exception {
        BirdDaemon bird = new BirdDaemon(dir);
        ServiceTable table = webService();
        try (VipAnnouncer announcer = VipAnnouncer.start(config(bird, Duration.ZERO), table)) {
            await(() -> announcer.status().errors() >= 3, "three failed attempts", bird);
            BgpStatus s = announcer.status();
            assertEquals("error", s.bird());
            assertEquals("connect " + bird.socket() + ": No such file or directory", s.lastError());
            assertEquals(BgpStatus.VipState.PENDING, s.vips().get(VIP));
            assertEquals(0, s.announcements());
            assertEquals(1, log.stream().filter(l -> l.startsWith("event=bgp_error")).count(), "logged once: " + log);
            assertTrue(log.stream().anyMatch(l -> l.equals("event=bgp_error reason=\"connect " + bird.socket()
                    + ": No such file or directory\" retry_ms=250")), log.toString());
            // the file holds the truth already: a BIRD that starts now reads it
            assertTrue(Files.readString(bird.include()).contains("route " + VIP + "/32 blackhole;"));

            bird.start();
            assertEquals(List.of(VIP + "/32"), routes(bird, "ws4"));
            await(() -> announcer.status().bird().equals("ok"), "the retry reaches BIRD", bird);
            assertEquals(1, announcer.status().announcements());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("event=bgp_ok")), log.toString());
        } finally {
            bird.close();
        }
    }

    @Test
    void whenBirdRefusesAWithdrawalTheStaticProtocolsAreDisabledUntilItTakesAChange() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            ServiceTable table = webService();
            try (VipAnnouncer announcer = VipAnnouncer.start(config(bird, Duration.ZERO), table)) {
                await(() -> routes(bird, "ws4").equals(List.of(VIP + "/32")), "announced", bird);
                bird.writeConfig("protocol bogus {\n"); // the operator broke bird.conf: BIRD keeps its old config
                table.setInhibited(WEB, RS1.key(), true);
                table.setInhibited(WEB, RS2.key(), true);
                await(() -> routes(bird, "ws4").isEmpty(), "withdrawn although BIRD refuses its config", bird);
                await(() -> announcer.status().bird().equals("error"), "the refusal is an error", bird);
                assertTrue(announcer.status().lastError().startsWith("configure: 8002 "), announcer.status().lastError());
                assertTrue(log.stream().anyMatch(l -> l.startsWith("event=bgp_suspended")), log.toString());

                bird.writeConfig("");
                table.setInhibited(WEB, RS1.key(), false);
                await(() -> routes(bird, "ws4").equals(List.of(VIP + "/32")), "announced again once BIRD takes changes", bird);
                await(() -> announcer.status().bird().equals("ok"), "ok again", bird);
            }
        }
    }

    @Test
    void fullNatLocalAddressesAreAnnouncedWhateverTheHealthAndStandbyOnesApart() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            ServiceKey fnat = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.101"), 80);
            ServiceTable table = new ServiceTable(1, true);
            table.addService(VirtualService.of(fnat, "mh"));
            RealServer rs = new RealServer(IpAddress.parse("198.19.0.11"), 80, ForwardMethod.FULLNAT, 1, 0, 0);
            table.addServer(fnat, rs);
            table.addLocalAddress(fnat, new io.wirespeed.lb.service.LocalAddress(IpAddress.parse("198.19.4.1"), null));
            table.addLocalAddress(fnat, new io.wirespeed.lb.service.LocalAddress(IpAddress.parse("198.19.4.2"), null, true));
            try (VipAnnouncer announcer = VipAnnouncer.start(config(bird, Duration.ZERO), table)) {
                await(() -> routes(bird, "ws4").stream().sorted().toList().equals(List.of("198.18.0.101/32", "198.19.4.1/32")), "VIP and own local address", bird);
                await(() -> routes(bird, "ws_standby4").equals(List.of("198.19.4.2/32")), "the standby address apart", bird);
                table.setInhibited(fnat, rs.key(), true);
                await(() -> routes(bird, "ws4").equals(List.of("198.19.4.1/32")),
                        "the VIP goes with its last server, the local address stays: connections in progress need their replies", bird);
                assertEquals(List.of("198.19.4.2/32"), routes(bird, "ws_standby4"));
            }
            assertEquals(List.of(), routes(bird, "ws4"), "a stopped node's local address goes to its standby");
            assertEquals(List.of(), routes(bird, "ws_standby4"));
        }
    }

    @Test
    void theIncludeFileIsWhatBirdReads() throws Exception {
        BgpConfig config = new BgpConfig(Path.of("/run/bird/bird.ctl"), dir.resolve("v.conf"), "vips", "t4", "t6", Duration.ZERO);
        String text = new BirdIncludeFile(config).render(java.util.Set.of(IpAddress.parse(VIP6), IpAddress.parse(VIP),
                IpAddress.parse("198.18.0.101")), new LocalAddressRoutes(new java.util.TreeSet<>(java.util.Set.of(
                IpAddress.parse("198.19.4.1"))), new java.util.TreeSet<>(java.util.Set.of(IpAddress.parse("198.19.4.2")))));
        assertEquals("""
                # Written by wirespeed (bgp.include_file in wirespeed.yaml) on every change; do not edit.
                # The VIPs that have a healthy real server on this node and its full-NAT local addresses,
                # as host routes for BGP to export; then the standby local addresses (other nodes').
                protocol static vips4 {
                    ipv4 { table t4; };
                    route 198.18.0.100/32 blackhole;
                    route 198.18.0.101/32 blackhole;
                    route 198.19.4.1/32 blackhole;
                }
                protocol static vips6 {
                    ipv6 { table t6; };
                    route 2001:db8::100/128 blackhole;
                }
                protocol static vips_standby4 {
                    ipv4 { table t4; };
                    route 198.19.4.2/32 blackhole;
                }
                protocol static vips_standby6 {
                    ipv6 { table t6; };
                }
                """, text);
    }

    private static List<String> routes(BirdDaemon bird, String protocol) {
        try {
            return bird.routes(protocol);
        } catch (BirdException e) {
            return fail("cannot ask BIRD: " + e.getMessage());
        }
    }

    private void await(BooleanSupplier done, String what, BirdDaemon bird) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within 5 s: " + what + "\nlog: " + log + "\nbird: " + bird.log());
            }
            BirdDaemon.sleep(20);
        }
    }
}
