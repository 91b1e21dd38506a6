package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon refuses a bad config before touching anything, naming file, line and field. */
class ConfigErrorIT {
    static CommandResult daemon(Path config) {
        return Shell.run(Duration.ofSeconds(60), Map.of("JAVA_HOME", System.getProperty("java.home")),
                List.of(Lab.repoRoot().resolve("bin/wirespeed").toString(), "--config", config.toString()));
    }

    @Test
    void malformedConfigNamesFileLineAndFieldAndDoesNotStart() throws IOException {
        Path bad = Lab.logDir().resolve("bad-driver.yaml");
        Files.writeString(bad, """
                workers: {cores: [0]}
                control: {socket: /run/wirespeed/never.sock}
                ports:
                  - name: port0
                    driver: afpackt
                """);
        CommandResult r = daemon(bad);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains(bad + ":5:") && r.stderr().contains("ports[0].driver") && r.stderr().contains("afpackt"),
                r.describe());
        assertFalse(Files.exists(Path.of("/run/wirespeed/never.sock")));
    }

    @Test
    void badServiceNamesItsLineAndDoesNotStart() throws IOException {
        Path bad = Lab.logDir().resolve("bad-service.yaml");
        Files.writeString(bad, """
                workers: {cores: [0]}
                control: {socket: /run/wirespeed/never4.sock}
                ports: [{name: port0, driver: memory}]
                services:
                  - {proto: tcp, vip: 198.18.0.100, port: 80, scheduler: maglev}
                """);
        CommandResult r = daemon(bad);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains(bad + ":5:") && r.stderr().contains("services[0].scheduler")
                && r.stderr().contains("maglev"), r.describe());
        assertFalse(Files.exists(Path.of("/run/wirespeed/never4.sock")));
    }

    @Test
    void missingInterfaceIsAClearStartError() throws IOException {
        Path cfg = Lab.logDir().resolve("no-such-if.yaml");
        Files.writeString(cfg, """
                workers: {cores: [0]}
                control: {socket: /run/wirespeed/never2.sock}
                ports:
                  - {name: port0, driver: afpacket, device: wsnosuch0, addresses: [198.18.0.1/24]}
                """);
        CommandResult r = daemon(cfg);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains("port0") && r.stderr().contains("wsnosuch0"), r.describe());
        assertFalse(Files.exists(Path.of("/run/wirespeed/never2.sock")));
    }

    @Test
    void coreThatDoesNotExistIsAClearStartError() throws IOException {
        Path cfg = Lab.logDir().resolve("bad-core.yaml");
        Files.writeString(cfg, """
                workers: {cores: [0, 1000]}
                control: {socket: /run/wirespeed/never3.sock}
                ports:
                  - {name: port0, driver: memory, addresses: [198.18.0.1/24]}
                """);
        CommandResult r = daemon(cfg);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains("core 1000"), r.describe());
    }
}
