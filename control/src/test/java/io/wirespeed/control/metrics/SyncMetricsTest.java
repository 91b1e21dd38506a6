package io.wirespeed.control.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.control.sync.SyncCounters;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The session-sync families (a node with {@code sync:}): exactly {@link MetricsCollector#SYNC_FAMILIES}, one series per reason and outcome. */
class SyncMetricsTest {
    @Test
    void theSyncFamilies() {
        PrometheusText t = new PrometheusText();
        MetricsCollector.sync(t, new SyncCounters(), 7);
        var page = ExpositionParser.parse(t.text());
        assertEquals(new TreeSet<>(MetricsCollector.SYNC_FAMILIES), new TreeSet<>(page.keySet()));
        assertEquals(7.0, ExpositionParser.value(page, "wirespeed_sync_log_overflows_total", Map.of()));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_sync_rejected_total", Map.of("reason", "old_sequence")));
        assertEquals(0.0, ExpositionParser.value(page, "wirespeed_sync_records_total", Map.of("outcome", "installed")));
    }
}
