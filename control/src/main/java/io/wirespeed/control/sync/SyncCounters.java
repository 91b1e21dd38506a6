package io.wirespeed.control.sync;

import io.wirespeed.lb.sync.SyncOutcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Session sync's counters: written by the sender, the receiver and the workers (installs), read by wsctl and metrics. */
public final class SyncCounters {
    final AtomicLong datagramsSent = new AtomicLong();
    final AtomicLong recordsSent = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();
    final AtomicLong datagramsReceived = new AtomicLong();
    final AtomicLong recordsReceived = new AtomicLong();
    /** Datagrams a peer sent that never arrived (sequence gaps). */
    final AtomicLong datagramsLost = new AtomicLong();
    final AtomicLong peerRestarts = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(SyncReject.values().length);
    private final AtomicLongArray outcomes = new AtomicLongArray(SyncOutcome.values().length);

    void countRejected(SyncReject reason) {
        rejected.incrementAndGet(reason.ordinal());
    }

    void countOutcome(SyncOutcome outcome) {
        outcomes.incrementAndGet(outcome.ordinal());
    }

    public long rejected(SyncReject reason) {
        return rejected.get(reason.ordinal());
    }

    public long outcome(SyncOutcome outcome) {
        return outcomes.get(outcome.ordinal());
    }

    public long datagramsSent() { return datagramsSent.get(); }
    public long recordsSent() { return recordsSent.get(); }
    public long sendErrors() { return sendErrors.get(); }
    public long datagramsReceived() { return datagramsReceived.get(); }
    public long recordsReceived() { return recordsReceived.get(); }
    public long datagramsLost() { return datagramsLost.get(); }
    public long peerRestarts() { return peerRestarts.get(); }

    /** Records each outcome had; {@code not_mine} (another worker of this node took it) is left out. */
    public Map<SyncOutcome, Long> outcomes() {
        Map<SyncOutcome, Long> m = new EnumMap<>(SyncOutcome.class);
        for (SyncOutcome o : SyncOutcome.values()) {
            if (o != SyncOutcome.NOT_MINE) m.put(o, outcome(o));
        }
        return m;
    }

    public Map<SyncReject, Long> rejections() {
        Map<SyncReject, Long> m = new EnumMap<>(SyncReject.class);
        for (SyncReject r : SyncReject.values()) m.put(r, rejected(r));
        return m;
    }

    /** Everything, for {@code wsctl stats sync} (JSON). */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("datagrams_sent", datagramsSent());
        m.put("records_sent", recordsSent());
        m.put("send_errors", sendErrors());
        m.put("datagrams_received", datagramsReceived());
        m.put("records_received", recordsReceived());
        m.put("datagrams_lost", datagramsLost());
        m.put("peer_restarts", peerRestarts());
        Map<String, Object> rej = new LinkedHashMap<>();
        rejections().forEach((r, n) -> rej.put(r.label(), n));
        m.put("rejected", rej);
        Map<String, Object> rec = new LinkedHashMap<>();
        outcomes().forEach((o, n) -> rec.put(o.label(), n));
        m.put("records", rec);
        return m;
    }
}
