package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.bgp.BgpCommands;
import io.wirespeed.control.bgp.VipAnnouncer;
import io.wirespeed.control.config.BgpConfig;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wsctl bgp} through a real control socket to the real {@code bgp.show} of an announcer whose BIRD is absent. */
class BgpWsctlTest {
    @TempDir
    Path tmp;
    private String out, err;

    private int wsctl(Path socket, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = new Wsctl(Map.of(), Duration.ofSeconds(5)).run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void showsEachVipsStateBirdsErrorAndTheCounters() throws Exception {
        ServiceTable table = new ServiceTable(1, true);
        ServiceKey web = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
        table.addService(VirtualService.of(web, "mh"));
        table.addServer(web, new RealServer(IpAddress.parse("198.19.0.11"), 80, ForwardMethod.DR, 1, 0, 0));
        table.addService(VirtualService.of(new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.101"), 80), "rr"));
        Path bird = tmp.resolve("bird.ctl");
        BgpConfig config = new BgpConfig(bird, tmp.resolve("vips.conf"), "vips", "master4", "master6", Duration.ZERO);
        Path socket = tmp.resolve("ws.sock");
        try (VipAnnouncer announcer = VipAnnouncer.start(config, table)) {
            CommandRegistry registry = new CommandRegistry();
            new BgpCommands(Optional.of(announcer)).register(registry);
            try (ControlServer server = new ControlServer(socket, registry)) {
                server.start();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (announcer.status().errors() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(0, wsctl(socket, "-s", socket.toString(), "bgp"), err);
                String text = out.replaceAll("Errors \\d+", "Errors N");
                assertEquals("BIRD " + bird + ": error (connect " + bird + ": No such file or directory)\n"
                        + "  include " + tmp.resolve("vips.conf") + ", protocols vips4 vips6\n"
                        + "VIP           State\n"
                        + "198.18.0.100  pending\n"
                        + "198.18.0.101  withdrawn\n"
                        + "Announcements 0  Withdrawals 0  Errors N  Reconfigurations 0\n", text);
                assertEquals(0, wsctl(socket, "-s", socket.toString(), "-j", "bgp", "show"), err);
                assertTrue(out.contains("\"state\":\"pending\"") && out.contains("\"bird\":\"error\""), out);
            }
        }
    }

    @Test
    void withoutABgpSectionTheDaemonSaysSo() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        CommandRegistry registry = new CommandRegistry();
        new BgpCommands(Optional.empty()).register(registry);
        try (ControlServer server = new ControlServer(socket, registry)) {
            server.start();
            assertEquals(Wsctl.EXIT_FAILED, wsctl(socket, "-s", socket.toString(), "bgp"));
            assertEquals("Error: BGP announcement is off: the daemon's config has no bgp: section (docs/bgp-cluster.md)\n", err);
        }
    }

    @Test
    void badCommandLinesGetTheUsage() {
        Path socket = tmp.resolve("none.sock");
        assertEquals(Wsctl.EXIT_USAGE, wsctl(socket, "-s", socket.toString(), "bgp", "announce"));
        assertTrue(err.contains("Usage: wsctl bgp [show]"), err);
        assertEquals(Wsctl.EXIT_USAGE, wsctl(socket, "-s", socket.toString(), "bgp", "show", "extra"));
        assertEquals(Wsctl.EXIT_OK, wsctl(socket, "-s", socket.toString(), "bgp", "help"));
        assertTrue(out.contains("Usage: wsctl bgp [show]"), out);
    }
}
