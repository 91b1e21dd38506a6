package io.wirespeed.control.metrics;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.ServiceDrops;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import java.util.ArrayList;
import java.util.List;

/** The drops the load balancer pinned on each service, as {@code wsctl stats drops service} and the exporter show them. */
public final class ServiceDropCounts {
    private ServiceDropCounts() {}

    /** One non-zero count: {@code service} as ipvsadm names it ({@code TCP 198.18.0.100:80}). */
    public record Row(String service, ServiceKey key, DropReason reason, long count) {}

    /** Non-zero counts of the configured services, in {@code ipvsadm -L} order, reasons in declaration order. */
    public static List<Row> read(LbSnapshot snapshot) {
        List<ServiceEntry> entries = new ArrayList<>(snapshot.services());
        entries.sort((a, b) -> a.key().compareTo(b.key()));
        List<Row> rows = new ArrayList<>();
        for (ServiceEntry e : entries) {
            ServiceDrops drops = e.counters().drops();
            for (DropReason r : ServiceDrops.reasons()) {
                long n = drops.get(r);
                if (n != 0) {
                    rows.add(new Row(label(e.key()), e.key(), r, n));
                }
            }
        }
        return rows;
    }

    /** {@code TCP 198.18.0.100:80}, {@code UDP [2001:db8::100]:53}, {@code SNAT -H proto=tcp,...}. */
    public static String label(ServiceKey key) {
        return key.isMatch() ? "SNAT " + key.match().option() : key.protocol().label + " " + key.vip().withPort(key.port());
    }
}
