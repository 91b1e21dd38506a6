package io.wirespeed.control.capture;

import io.wirespeed.net.capture.TapRule;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One running capture or sampling rule: its id, one {@link TapRule} per worker, and the pcap file
 * its copies go to (none for a mirror). Owned by the {@link CaptureManager}, which guards it.
 */
final class TapSession {
    enum Kind { CAPTURE, SAMPLE }

    enum State { RUNNING, DONE, STOPPED, FAILED }

    final int id;
    final TapSpec spec;
    final TapRule[] rules;
    final Instant started = Instant.now();
    private final PcapFile file;
    private long written;
    private State state = State.RUNNING;
    private String error;

    TapSession(int id, TapSpec spec, TapRule[] rules, PcapFile file) {
        this.id = id;
        this.spec = spec;
        this.rules = rules;
        this.file = file;
    }

    boolean running() { return state == State.RUNNING; }

    /** Writes one copy; returns true when it was the last the capture wanted ({@code -c N} reached). */
    boolean write(long epochNanos, MemorySegment data, long offset, int stored, int wireLength) {
        if (state != State.RUNNING || file == null) {
            return false;
        }
        try {
            file.write(epochNanos, data, offset, stored, wireLength);
        } catch (IOException e) {
            fail(e);
            return true;
        }
        written++;
        if (written >= spec.limit()) {
            finish(State.DONE);
            return true;
        }
        return false;
    }

    void flush() {
        if (state == State.RUNNING && file != null) {
            try {
                file.flush();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    /** Ends the session (packets, stop, daemon exit) and closes its file. */
    void finish(State end) {
        if (state != State.RUNNING) {
            return;
        }
        state = end;
        closeFile();
    }

    private void fail(IOException e) {
        state = State.FAILED;
        error = e.getMessage();
        closeFile();
    }

    private void closeFile() {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            state = State.FAILED;
            error = e.getMessage();
        }
    }

    /** What {@code wsctl capture list} / {@code sample list} print: the spec, the state and counters summed over workers. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", (long) id);
        m.putAll(spec.describe());
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        long matched = 0, kept = 0, lost = 0;
        for (TapRule r : rules) {
            matched += r.matched();
            kept += r.kept();
            lost += r.lost();
        }
        m.put("matched", matched);
        m.put(file == null ? "mirrored" : "copied", kept);
        m.put("lost", lost);
        if (file != null) {
            m.put("written", written);
        }
        m.put("started", started.toString());
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
