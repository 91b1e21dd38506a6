package io.wirespeed.control.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.metrics.PrometheusText.Type;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void familiesAndSamplesInTheTextFormat() {
        PrometheusText t = new PrometheusText();
        t.family("wirespeed_port_rx_packets_total", Type.COUNTER, "Packets received.")
                .sample(12, "port", "port0").sample(0, "port", "port1");
        t.family("wirespeed_pool_buffers", Type.GAUGE, "Buffers.").sample(4096);
        t.family("wirespeed_worker_busy_seconds_total", Type.COUNTER, "Busy.").sample(1.5, "worker", "0");
        assertEquals("""
                # HELP wirespeed_port_rx_packets_total Packets received.
                # TYPE wirespeed_port_rx_packets_total counter
                wirespeed_port_rx_packets_total{port="port0"} 12
                wirespeed_port_rx_packets_total{port="port1"} 0
                # HELP wirespeed_pool_buffers Buffers.
                # TYPE wirespeed_pool_buffers gauge
                wirespeed_pool_buffers 4096
                # HELP wirespeed_worker_busy_seconds_total Busy.
                # TYPE wirespeed_worker_busy_seconds_total counter
                wirespeed_worker_busy_seconds_total{worker="0"} 1.5
                """, t.text());
        assertEquals(3, ExpositionParser.parse(t.text()).size());
    }

    @Test
    void labelValuesAndHelpAreEscapedAndReadBackWhole() {
        String nasty = "a\"b\\c\nd {x=\"y\"}";
        PrometheusText t = new PrometheusText();
        t.family("wirespeed_service_drops_total", Type.COUNTER, "Help with \\ and\nnewline.").sample(3, "service", nasty);
        var page = ExpositionParser.parse(t.text());
        assertEquals(3.0, ExpositionParser.value(page, "wirespeed_service_drops_total", Map.of("service", nasty)));
        assertTrue(t.text().contains("# HELP wirespeed_service_drops_total Help with \\\\ and\\nnewline.\n"), t.text());
    }

    @Test
    void specialValuesUseGoSpellings() {
        assertEquals("NaN", PrometheusText.formatDouble(Double.NaN));
        assertEquals("+Inf", PrometheusText.formatDouble(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.formatDouble(Double.NEGATIVE_INFINITY));
        assertEquals("3", PrometheusText.formatDouble(3.0));
        assertEquals("0.25", PrometheusText.formatDouble(0.25));
    }

    @Test
    void refusesWhatAScraperWouldReject() {
        PrometheusText t = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> t.family("bad-name", Type.GAUGE, "x"));
        assertThrows(IllegalArgumentException.class, () -> t.family("wirespeed_packets", Type.COUNTER, "no _total"));
        assertThrows(IllegalStateException.class, () -> t.sample(1));
        t.family("wirespeed_x", Type.GAUGE, "x");
        assertThrows(IllegalStateException.class, () -> t.family("wirespeed_x", Type.GAUGE, "again"));
        assertThrows(IllegalArgumentException.class, () -> t.sample(1, "port"));
        assertThrows(IllegalArgumentException.class, () -> t.sample(1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> t.sample(1, "__reserved", "v"));
    }

    @Test
    void theStrictParserRejectsMalformedPages() {
        assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse("x 1\n"), "sample without a family");
        assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse("# HELP a_total h\n# TYPE a_total counter\na_total 1"),
                "no final newline");
        assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse(
                "# HELP a h\n# TYPE a gauge\na{l=\"x} 1\n"), "unterminated label");
        assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse(
                "# HELP a h\n# TYPE a gauge\na 1\n# HELP b h\n# TYPE b gauge\nb 1\na 2\n"), "family split in two blocks");
        assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse(
                "# HELP a h\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n"), "series repeated");
    }
}
