package io.wirespeed.net.stack;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.worker.WorkerBody;
import io.wirespeed.drivers.Port;

/**
 * The body of one worker (lcore): rx bursts from its queues, the pipeline, frames from the master,
 * tx flush. DPDK l3fwd's main loop in a dozen lines.
 */
public final class RouterWorker implements WorkerBody {
    private final Pipeline pipeline;
    private final PoolCache cache;
    private final Port[] ports;
    private final int[] queues;
    private final int[] portIndex;
    private final Burst rx = new Burst();

    /** {@code rxQueues[i]} = {port index, queue} pairs this worker polls. */
    public RouterWorker(Pipeline pipeline, PoolCache cache, Port[] allPorts, int[][] rxQueues) {
        this.pipeline = pipeline;
        this.cache = cache;
        this.ports = new Port[rxQueues.length];
        this.queues = new int[rxQueues.length];
        this.portIndex = new int[rxQueues.length];
        for (int i = 0; i < rxQueues.length; i++) {
            portIndex[i] = rxQueues[i][0];
            queues[i] = rxQueues[i][1];
            ports[i] = allPorts[portIndex[i]];
        }
    }

    @Override
    public int poll() {
        int n = 0;
        for (int i = 0; i < ports.length; i++) {
            int k = ports[i].rxBurst(queues[i], rx, cache);
            if (k > 0) {
                pipeline.process(rx, portIndex[i]);
                n += k;
            }
        }
        n += pipeline.drainFromMaster();
        n += pipeline.tick();
        pipeline.flush();
        return n;
    }

    /** Before the worker sleeps in poll(2): let drivers re-arm their wakeups (AF_XDP need_wakeup). */
    @Override
    public void prepareIdle() {
        for (int i = 0; i < ports.length; i++) {
            ports[i].prepareIdle(queues[i]);
        }
    }

    public Pipeline pipeline() { return pipeline; }
}
