package io.wirespeed.net.capture;

import java.util.List;

/**
 * What one worker captures right now: its rules and the ring its copies go to. Immutable; the
 * control plane publishes a new set to change anything (the worker reads the reference once per
 * burst), and keeps each rule's instance across sets so samplers and counters carry on.
 */
public final class CaptureSet {
    final TapRule[] rules;
    final CaptureRing ring;
    final boolean anyRx;
    final boolean anyTx;

    public CaptureSet(List<TapRule> rules, CaptureRing ring) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a capture set needs at least one rule (publish null for none)");
        }
        this.rules = rules.toArray(TapRule[]::new);
        this.ring = ring;
        boolean rx = false, tx = false;
        for (TapRule r : this.rules) {
            rx |= r.rx != null;
            tx |= r.tx != null;
        }
        this.anyRx = rx;
        this.anyTx = tx;
    }

    public List<TapRule> rules() { return List.of(rules); }

    public CaptureRing ring() { return ring; }
}
