package io.wirespeed.control.metrics;

import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import java.util.ArrayList;
import java.util.List;

/**
 * One reading of every drop counter of the data plane, in the three views operators ask for: by
 * worker, by input port and in total. The master's drops (slow path: ARP, ND, the exception path)
 * have no worker; they count in the total and under {@link Row#master}. Drops of packets without a
 * known input port (the master's, or a fragment timing out) count in the total only, so
 * {@link Row#unattributed} keeps the port view's columns adding up to the total.
 *
 * <p>Shared by {@code wsctl stats drops} and the Prometheus exporter so both say the same thing.
 */
public record DropCounts(List<String> ports, List<Row> rows) {
    public DropCounts {
        ports = List.copyOf(ports);
        rows = List.copyOf(rows);
    }

    /** One reason's counts; {@code perWorker[w]}, {@code perPort[p]} in worker and port order. */
    public record Row(DropReason reason, long total, long master, long[] perWorker, long[] perPort) {
        /** Drops that were counted without an input port. */
        public long unattributed() {
            long sum = 0;
            for (long v : perPort) sum += v;
            return total - sum;
        }
    }

    /**
     * Reads the counters (opaque loads: each value is current, the set is not one instant).
     * {@code workers[w]} must count per port for {@code ports}; reasons with no drop are left out.
     */
    public static DropCounts read(Counters master, Counters[] workers, List<String> ports) {
        for (int w = 0; w < workers.length; w++) {
            if (workers[w].ports() < ports.size()) {
                throw new IllegalArgumentException("worker " + w + " counts drops for " + workers[w].ports()
                        + " port(s), the data plane has " + ports.size());
            }
        }
        long[] masterTotals = master.snapshot();
        long[][] perWorker = new long[workers.length][];
        long[][] perPort = new long[ports.size()][DropReasons.MAX];
        for (int w = 0; w < workers.length; w++) {
            perWorker[w] = workers[w].snapshot();
            for (int p = 0; p < ports.size(); p++) {
                workers[w].addPortTo(p, perPort[p]);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (DropReason r : DropReasons.all()) {
            int id = r.id();
            long total = masterTotals[id];
            long[] byWorker = new long[workers.length];
            for (int w = 0; w < workers.length; w++) {
                byWorker[w] = perWorker[w][id];
                total += byWorker[w];
            }
            if (total == 0) {
                continue;
            }
            long[] byPort = new long[ports.size()];
            for (int p = 0; p < ports.size(); p++) {
                byPort[p] = perPort[p][id];
            }
            rows.add(new Row(r, total, masterTotals[id], byWorker, byPort));
        }
        return new DropCounts(ports, rows);
    }
}
