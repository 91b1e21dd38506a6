package io.wirespeed.control.metrics;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wirespeed.control.config.ConfigLoader;
import io.wirespeed.control.config.WirespeedConfig;
import io.wirespeed.control.daemon.DataPlane;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.net.stack.NetDrops;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter on a real data plane: one worker, a pcap port whose file holds frames the stack
 * must drop, a memory port, and a load-balancer service. The page must parse strictly, name exactly
 * the families {@link MetricsCollector#FAMILIES} lists, and carry the drops under their port.
 */
class DataPlaneMetricsTest {
    private static final int NOT_FOR_US = 3, UNKNOWN_TYPE = 2;

    @TempDir
    Path dir;
    DataPlane dp;

    @BeforeEach
    void start() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < NOT_FOR_US; i++) frames.write(frame(new byte[] {2, (byte) 0xaa, 0, 0, 0, 1}, 0x0800));
        for (int i = 0; i < UNKNOWN_TYPE; i++) frames.write(frame(new byte[] {-1, -1, -1, -1, -1, -1}, 0x88b5));
        Files.write(dir.resolve("in.pcap"), pcap(frames.toByteArray(), NOT_FOR_US + UNKNOWN_TYPE));
        WirespeedConfig config = ConfigLoader.parse("""
                workers: {cores: [0]}
                pool: {buffers: 1024, hugepages: off}
                ports:
                  - {name: wan, driver: pcap, rx_file: %s, tx_file: %s, addresses: [198.18.0.1/24]}
                  - {name: lan, driver: memory, addresses: [198.19.0.1/24]}
                services:
                  - proto: tcp
                    vip: 198.18.0.100
                    port: 80
                    scheduler: rr
                    real_servers:
                      - {addr: 198.19.0.11, port: 80, method: nat, weight: 3}
                bgp: {bird_socket: %s, include_file: %s}
                """.formatted(dir.resolve("in.pcap"), dir.resolve("out.pcap"), dir.resolve("no-bird.ctl"), dir.resolve("vips.conf")), "t.yaml");
        dp = DataPlane.start(config);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (dp.ports()[0].stats().rxPackets() < NOT_FOR_US + UNKNOWN_TYPE || dropped() < NOT_FOR_US + UNKNOWN_TYPE) {
            assertTrue(System.nanoTime() < deadline, "the worker received and dropped the capture's frames");
            Thread.sleep(10);
        }
    }

    private long dropped() {
        return dp.pipelines()[0].counters().get(NetDrops.ETH_NOT_FOR_US) + dp.pipelines()[0].counters().get(NetDrops.ETH_UNKNOWN_TYPE);
    }

    @AfterEach
    void stop() {
        if (dp != null) dp.close();
    }

    @Test
    void thePageParsesAndListsExactlyTheDocumentedFamilies() {
        String text = new MetricsCollector(dp).scrape();
        var page = ExpositionParser.parse(text);
        TreeSet<String> expected = new TreeSet<>(MetricsCollector.FAMILIES);
        expected.removeAll(MetricsCollector.SYNC_FAMILIES); // no sync: section here; SyncMetricsTest has them
        assertEquals(expected, new TreeSet<>(page.keySet()));
        assertEquals(MetricsCollector.FAMILIES.size(), Set.copyOf(MetricsCollector.FAMILIES).size(), "no family listed twice");
    }

    @Test
    void countersMoveWithTheTrafficAndDropsAppearByReasonWorkerAndPort() {
        var page = ExpositionParser.parse(new MetricsCollector(dp).scrape());
        assertEquals(5.0, ExpositionParser.value(page, "wirespeed_port_rx_packets_total", Map.of("port", "wan")));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_port_rx_packets_total", Map.of("port", "lan")));
        assertEquals(NOT_FOR_US, ExpositionParser.value(page, "wirespeed_drops_total",
                Map.of("stage", NetDrops.ETH_NOT_FOR_US.stage(), "reason", NetDrops.ETH_NOT_FOR_US.name(), "worker", "0")));
        assertEquals(NOT_FOR_US, ExpositionParser.value(page, "wirespeed_port_drops_total",
                Map.of("reason", NetDrops.ETH_NOT_FOR_US.name(), "port", "wan")));
        assertEquals(UNKNOWN_TYPE, ExpositionParser.value(page, "wirespeed_port_drops_total",
                Map.of("reason", NetDrops.ETH_UNKNOWN_TYPE.name(), "port", "wan")));
        assertTrue(page.get("wirespeed_port_drops_total").samples().stream().noneMatch(s -> s.labels().get("port").equals("lan")),
                "nothing came in on lan");
        assertTrue(ExpositionParser.value(page, "wirespeed_worker_rx_packets_total", Map.of("worker", "0")) >= 5.0,
                "the capture's frames, and what the master handed the worker to send");
        assertEquals(1.0, ExpositionParser.value(page, "wirespeed_worker_running", Map.of("worker", "0")));
        assertEquals(1024.0, ExpositionParser.value(page, "wirespeed_pool_buffers", Map.of()));
        assertEquals(3.0, ExpositionParser.value(page, "wirespeed_server_weight",
                Map.of("service", "TCP 198.18.0.100:80", "server", "198.19.0.11:80", "method", "nat")));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_service_connections_total", Map.of("service", "TCP 198.18.0.100:80")));
        assertEquals(65536.0, ExpositionParser.value(page, "wirespeed_lb_connections_capacity", Map.of("worker", "0")));
        assertTrue(DropReasons.count() > 0);
        // no BIRD listens on the configured socket: nothing is announced, and the page says so
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_bgp_bird_up", Map.of()));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_bgp_vip_announced", Map.of("vip", "198.18.0.100")));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_bgp_announcements_total", Map.of()));
    }

    @Test
    void promtoolAcceptsThePage() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool (Debian package prometheus) is installed by ./run");
        Path page = dir.resolve("page.prom");
        Files.writeString(page, new MetricsCollector(dp).scrape());
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectInput(page.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
    }

    /** An Ethernet frame to {@code dst} of {@code type} with a zero payload (60 bytes, the minimum). */
    private static byte[] frame(byte[] dst, int type) {
        byte[] f = new byte[60];
        System.arraycopy(dst, 0, f, 0, 6);
        f[6] = 2;
        f[11] = 9;
        f[12] = (byte) (type >> 8);
        f[13] = (byte) type;
        return f;
    }

    /** A classic pcap file (microsecond timestamps, Ethernet) of {@code n} 60-byte frames. */
    private static byte[] pcap(byte[] frames, int n) {
        ByteBuffer b = ByteBuffer.allocate(24 + n * (16 + 60)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (int i = 0; i < n; i++) {
            b.putInt(1_700_000_000 + i).putInt(0).putInt(60).putInt(60);
            b.put(frames, i * 60, 60);
        }
        return b.array();
    }
}
