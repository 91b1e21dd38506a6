package io.wirespeed.control.capture;

import io.wirespeed.net.capture.CaptureRing;
import io.wirespeed.net.capture.CaptureSet;
import io.wirespeed.net.capture.Direction;
import io.wirespeed.net.capture.PacketTap;
import io.wirespeed.net.capture.TapRule;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The control side of capture and sampling: starts and stops sessions, publishes each worker's
 * {@link CaptureSet} on its {@link PacketTap}, and runs the {@code ws-capture} thread that drains
 * the workers' rings into pcap files. Workers never wait for it: when it falls behind, their copies
 * are counted as lost. Nothing runs (no thread, no ring) until the first session starts.
 */
public final class CaptureManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CaptureManager.class.getName());
    /** Slots per worker ring: 2 MiB each, a few milliseconds of line rate while the writer sleeps. */
    static final int RING_SLOTS = 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final PacketTap[] taps;
    private final CaptureRing[] rings;
    private final Map<Integer, TapSession> sessions = new LinkedHashMap<>();
    private final List<TapSession> ended = new ArrayList<>();
    private final long epochMinusNano; // System.nanoTime() + this = nanoseconds since the epoch
    private int nextId = 1;
    private Thread drainer;
    private volatile boolean closed;

    public CaptureManager(PacketTap[] taps) {
        this.taps = taps.clone();
        this.rings = new CaptureRing[taps.length];
        Instant now = Instant.now();
        this.epochMinusNano = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /** Starts a session; its id is what list/stop name. */
    synchronized int start(TapSpec spec) throws IOException {
        if (closed) {
            throw new IllegalStateException("capture is shut down");
        }
        PcapFile file = spec.file() == null ? null : PcapFile.create(spec.file(), spec.snapLength());
        int id = nextId++;
        TapRule[] rules = new TapRule[taps.length];
        for (int w = 0; w < taps.length; w++) {
            rules[w] = new TapRule(id, spec.port(), spec.rx(), spec.tx(), spec.sampler().copy(), spec.limit(),
                    spec.snapLength(), file != null ? TapRule.TO_RING : spec.mirrorPort());
        }
        TapSession s = new TapSession(id, spec, rules, file);
        sessions.put(id, s);
        try {
            publish();
        } catch (RuntimeException e) {
            sessions.remove(id);
            s.finish(TapSession.State.FAILED);
            throw e;
        }
        startDrainer();
        LOG.info("event=capture_start id=" + id + " kind=" + spec.kind().name().toLowerCase() + " " + spec.describe());
        return id;
    }

    /** Stops session {@code id} of {@code kind}: what is in the rings for it is written first. Returns false if unknown. */
    synchronized boolean stop(int id, TapSession.Kind kind) {
        TapSession s = sessions.get(id);
        if (s == null || s.spec.kind() != kind) {
            return false;
        }
        sessions.remove(id);
        publish();
        drainOnce(); // copies made before the unpublish still belong to the file
        s.finish(TapSession.State.STOPPED);
        remember(s);
        LOG.info("event=capture_stop id=" + id);
        return true;
    }

    /** Running sessions of {@code kind}, then the most recent ended ones (so a finished capture can be read back). */
    synchronized List<Map<String, Object>> list(TapSession.Kind kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TapSession s : sessions.values()) {
            if (s.spec.kind() == kind) out.add(s.toJson());
        }
        for (TapSession s : ended) {
            if (s.spec.kind() == kind) out.add(s.toJson());
        }
        return out;
    }

    /** One session, running or recently ended, or null. */
    synchronized Map<String, Object> show(int id) {
        TapSession s = sessions.get(id);
        if (s == null) {
            s = ended.stream().filter(e -> e.id == id).findFirst().orElse(null);
        }
        return s == null ? null : s.toJson();
    }

    private void remember(TapSession s) {
        ended.addFirst(s);
        if (ended.size() > 32) {
            ended.removeLast();
        }
    }

    /** Builds and publishes every worker's set from the running sessions; null where a worker has none. */
    private void publish() {
        for (int w = 0; w < taps.length; w++) {
            List<TapRule> rules = new ArrayList<>();
            for (TapSession s : sessions.values()) {
                rules.add(s.rules[w]);
            }
            if (rules.isEmpty()) {
                taps[w].publish(null);
            } else {
                if (rings[w] == null) {
                    rings[w] = new CaptureRing(RING_SLOTS);
                }
                taps[w].publish(new CaptureSet(rules, rings[w]));
            }
        }
    }

    private void startDrainer() {
        if (drainer == null) {
            drainer = Thread.ofPlatform().name("ws-capture").daemon(true).start(this::drainLoop);
        }
    }

    private void drainLoop() {
        while (!closed) {
            int n;
            synchronized (this) {
                n = drainOnce();
            }
            if (n == 0) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /** One pass over every ring: writes the copies, ends sessions that reached their count, flushes. */
    private int drainOnce() {
        int total = 0;
        boolean finished = false;
        for (CaptureRing ring : rings) {
            if (ring == null) continue;
            int n;
            do {
                n = ring.drain(this::write, 256);
                total += n;
            } while (n > 0);
        }
        for (var it = sessions.values().iterator(); it.hasNext(); ) {
            TapSession s = it.next();
            if (!s.running()) {
                it.remove();
                remember(s);
                finished = true;
                LOG.info("event=capture_done id=" + s.id + " " + s.toJson());
            } else if (total > 0) {
                s.flush();
            }
        }
        if (finished) {
            publish();
        }
        return total;
    }

    private void write(int session, int port, Direction direction, long nanos, int wireLength,
                       MemorySegment data, long offset, int stored) {
        TapSession s = sessions.get(session);
        if (s != null) {
            s.write(nanos + epochMinusNano, data, offset, stored, wireLength);
        }
    }

    /** Stops every session (files closed with what was captured) and the writer thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            List<Integer> ids = new ArrayList<>(sessions.keySet());
            for (int id : ids) {
                stop(id, sessions.get(id).spec.kind());
            }
        }
        if (drainer != null) {
            LockSupport.unpark(drainer);
            try {
                drainer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
