package io.wirespeed.core.worker;

/**
 * Never sleeps: the worker owns its core at 100 % and answers within a pass, as a DPDK lcore in
 * poll mode. For dedicated cores and benchmarks; a shared machine wants {@link BackoffIdleStrategy}.
 */
public final class BusySpinIdleStrategy implements IdleStrategy {
    @Override
    public void idle(int workDone) {
        if (workDone == 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void reset() {}
}
