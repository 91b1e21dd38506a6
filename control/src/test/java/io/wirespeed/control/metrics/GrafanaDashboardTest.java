package io.wirespeed.control.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana-dashboard.json is JSON Grafana can import, and every query names only metrics the
 * exporter writes: a renamed metric fails here, not on an operator's empty graph.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bwirespeed_[a-z_]+\\b");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> panels() throws Exception {
        Map<String, Object> d = (Map<String, Object>) Json.parse(Files.readString(DASHBOARD));
        assertEquals("wirespeed-dataplane", d.get("uid"));
        assertNotNull(d.get("title"));
        return (List<Map<String, Object>>) d.get("panels");
    }

    @SuppressWarnings("unchecked")
    private static List<String> expressions(Map<String, Object> panel) {
        List<String> out = new ArrayList<>();
        for (Object t : (List<Object>) panel.getOrDefault("targets", List.of())) {
            out.add((String) ((Map<String, Object>) t).get("expr"));
        }
        return out;
    }

    @Test
    void everyQueryNamesOnlyMetricsTheExporterWrites() throws Exception {
        Set<String> used = new HashSet<>();
        for (Map<String, Object> p : panels()) {
            for (String expr : expressions(p)) {
                Matcher m = METRIC.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    any = true;
                    assertTrue(MetricsCollector.FAMILIES.contains(m.group()), "panel '" + p.get("title") + "' queries " + m.group()
                            + ", which the exporter does not write");
                    used.add(m.group());
                }
                assertTrue(any, "panel '" + p.get("title") + "' has a query without a wirespeed metric: " + expr);
                assertEquals(count(expr, '('), count(expr, ')'), "balanced parentheses in " + expr);
                assertEquals(count(expr, '{'), count(expr, '}'), "balanced braces in " + expr);
            }
        }
        for (String needed : List.of("wirespeed_port_rx_packets_total", "wirespeed_drops_total", "wirespeed_port_drops_total",
                "wirespeed_service_drops_total", "wirespeed_lb_connections", "wirespeed_service_connections_total",
                "wirespeed_server_in_bytes_total", "wirespeed_worker_busy_seconds_total", "wirespeed_worker_idle_seconds_total")) {
            assertTrue(used.contains(needed), "the dashboard shows " + needed);
        }
    }

    @Test
    void counterPanelsGraphRatesNotRawTotals() throws Exception {
        for (Map<String, Object> p : panels()) {
            for (String expr : expressions(p)) {
                Matcher m = METRIC.matcher(expr);
                while (m.find()) {
                    if (m.group().endsWith("_total")) {
                        String before = expr.substring(0, m.start());
                        assertTrue(before.contains("rate("), "'" + p.get("title") + "': counter " + m.group() + " graphed without rate(): " + expr);
                    }
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void panelsHaveUniqueIdsAndAPlaceOnTheGrid() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (Map<String, Object> p : panels()) {
            assertTrue(ids.add((Long) p.get("id")), "panel id " + p.get("id") + " is unique");
            Map<String, Object> grid = (Map<String, Object>) p.get("gridPos");
            assertNotNull(grid, "panel '" + p.get("title") + "' has a gridPos");
            assertTrue((Long) grid.get("x") + (Long) grid.get("w") <= 24, "panel '" + p.get("title") + "' fits the 24 columns");
        }
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }
}
