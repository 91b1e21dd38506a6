package io.wirespeed.control.daemon;

import io.wirespeed.core.worker.Worker;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.path.LbPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code wsctl lb -L -c}: the connections of every worker's table, read by each worker itself (its
 * mailbox) in chunks between two bursts, so an entry is never read half written and a worker is
 * never stopped for long. Like {@code /proc/net/ip_vs_conn}, a listing may miss or repeat a
 * connection that came or went meanwhile.
 */
final class ConnectionLister implements Supplier<List<Map<String, Object>>> {
    /** A reply beyond this many lines is of no use on a terminal and would only load the worker. */
    static final int MAX_LISTED = 100_000;
    private static final int CHUNK = 1024;
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(2);

    private final Worker[] workers;
    private final LbPath[] paths;

    ConnectionLister(Worker[] workers, LbPath[] paths) {
        this.workers = workers;
        this.paths = paths;
    }

    @Override
    public List<Map<String, Object>> get() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int w = 0; w < workers.length && out.size() < MAX_LISTED; w++) {
            int worker = w;
            int from = 0;
            while (from >= 0 && out.size() < MAX_LISTED) {
                List<ConnInfo> chunk = new ArrayList<>(CHUNK);
                int start = from;
                int[] next = new int[1];
                int max = Math.min(CHUNK, MAX_LISTED - out.size());
                workers[w].mailbox().postAndWait(() -> next[0] = paths[worker].copyConnections(start, max, chunk::add),
                        WORKER_TIMEOUT);
                chunk.forEach(c -> out.add(describe(c, worker)));
                from = next[0];
            }
        }
        return out;
    }

    /**
     * One line of {@code -Lnc}, plus what full NAT and several workers add (local address, worker).
     * A persistence template lists as ipvsadm lists one ({@code TCP 05:00 NONE client:0 VIP:PORT
     * RS:PORT}), marked {@code "template": true}; it has no local address.
     */
    static Map<String, Object> describe(ConnInfo c, int worker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proto", c.protocolName().toLowerCase(java.util.Locale.ROOT));
        m.put("expire", c.expiresInNanos() / 1_000_000_000L);
        m.put("state", c.stateName());
        m.put("source", c.client().toString());
        m.put("virtual", c.virtual().toString());
        m.put("destination", c.server().toString());
        int mode = ConnFlags.mode(c.flags());
        if (c.isTemplate()) {
            m.put("template", true);
        } else if (mode == ConnFlags.MODE_FNAT || mode == ConnFlags.MODE_NAT64 || mode == ConnFlags.MODE_SNAT) {
            m.put("local", c.local().toString());
        }
        m.put("forward", ConnFlags.modeName(c.flags()));
        m.put("worker", (long) worker);
        return m;
    }
}
