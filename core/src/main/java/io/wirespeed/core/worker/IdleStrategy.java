package io.wirespeed.core.worker;

/**
 * What a worker does after a pass of its loop, driven by how much work the pass did (Agrona's
 * idea): a busy worker goes straight back to polling, an idle one backs off. One instance per
 * worker; called from that worker only.
 */
public interface IdleStrategy {
    /** Called after every pass with the work it did (packets plus control tasks); resets on work. */
    void idle(int workDone);

    /** Forgets any backoff, as after a pass that did work. */
    void reset();
}
