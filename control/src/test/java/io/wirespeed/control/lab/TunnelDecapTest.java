package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The decapsulator's header handling and its report, without root or namespaces. */
class TunnelDecapTest {

    @Test
    void decapsulatorStripsOuterHeadersAndRejectsMalformedPackets() {
        // tunnel_decap.py's self-test: IHL > 5 outer headers, truncation, wrong inner version, IPv6 lengths.
        CommandResult r = Shell.run(Duration.ofSeconds(10), "python3", LbResources.path("tunnel_decap.py").toString(), "self-test");
        assertTrue(r.ok() && r.stdout().contains("self-test ok"), r.describe());
    }

    @Test
    void decapsulatorRefusesUnknownArguments() {
        CommandResult r = Shell.run(Duration.ofSeconds(10), "python3", LbResources.path("tunnel_decap.py").toString(), "serve");
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains("usage"), r.describe());
    }

    @Test
    void countsLineIsParsed() {
        assertEquals(new TunnelDecap.Counts(3, 2, 1), TunnelDecap.parse("counts ipv4=3 ipv6=2 malformed=1"));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecap.parse("counts ipv4=3"));
    }
}
