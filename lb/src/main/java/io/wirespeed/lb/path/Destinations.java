package io.wirespeed.lb.path;

import io.wirespeed.lb.sched.DestinationLoad;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.TrafficCounters;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * One worker's real servers as its connections know them. A connection stores a <em>slot</em>, not
 * a position in a service snapshot, because snapshots change under live connections: a slot stays
 * with the same real server (recognised by its counters object, which survives edits of the
 * service) for as long as the server is configured or a connection still refers to it. A removed
 * server's slot is marked dead; its connections expire or run on (expire_nodest_conn), and the
 * slot is reused once the last of them is gone.
 *
 * <p>The per-slot connection counts are this worker's view of ActiveConn/InActConn, which the
 * schedulers (lc, wlc, thresholds) read; the same changes go to the shared counters' gauges for
 * {@code ipvsadm -L}. Only the worker thread touches this object.
 */
final class Destinations {
    private final int worker;
    private final IdentityHashMap<TrafficCounters, Integer> slotOf = new IdentityHashMap<>();
    private TrafficCounters[] server = new TrafficCounters[16];
    private TrafficCounters[] service = new TrafficCounters[16];
    private int[] active = new int[16];
    private int[] inactive = new int[16];
    private int[] refs = new int[16];
    private boolean[] live = new boolean[16];
    private boolean[] used = new boolean[16];
    private ClientAddressMode[] clientAddress = new ClientAddressMode[16];
    private int[] freeSlots = new int[0];
    private int freeCount;
    private int highWater;

    Destinations(int worker) {
        this.worker = worker;
    }

    // ---- snapshot changes (control work done on the worker, allocation allowed) ----------------

    /** Before the servers of a new snapshot are registered: every slot is dead until registered again. */
    void beginSnapshot() {
        Arrays.fill(live, false);
    }

    /** The slot of a configured server (existing or new), marked live. */
    int register(TrafficCounters serverCounters, TrafficCounters serviceCounters, ClientAddressMode clientAddressMode) {
        Integer s = slotOf.get(serverCounters);
        int slot;
        if (s != null) {
            slot = s;
        } else {
            slot = freeCount > 0 ? freeSlots[--freeCount] : highWater++;
            ensure(slot + 1);
            slotOf.put(serverCounters, slot);
            server[slot] = serverCounters;
            used[slot] = true;
        }
        service[slot] = serviceCounters;
        clientAddress[slot] = clientAddressMode;
        live[slot] = true;
        return slot;
    }

    /** After registration: dead slots that no connection refers to any more are recycled. */
    void endSnapshot() {
        for (int slot = 0; slot < highWater; slot++) {
            if (used[slot] && !live[slot] && refs[slot] == 0) {
                recycle(slot);
            }
        }
    }

    // ---- per packet ----------------------------------------------------------------------------

    boolean live(int slot) { return live[slot]; }

    TrafficCounters server(int slot) { return server[slot]; }

    TrafficCounters service(int slot) { return service[slot]; }

    /** How the slot's service passes client addresses in full NAT (as of the snapshot that last named it). */
    ClientAddressMode clientAddress(int slot) { return clientAddress[slot]; }

    /** A new connection to the slot's server: not yet established. */
    void connected(int slot) {
        refs[slot]++;
        inactive[slot]++;
        server[slot].add(worker, TrafficCounters.CONNS, 1);
        service[slot].add(worker, TrafficCounters.CONNS, 1);
        gauge(slot, TrafficCounters.INACTIVE, 1);
    }

    /**
     * A connection taken over from a peer node (session sync): held and counted inactive like a new
     * one, but not in the Conns total, which counts the connections this node scheduled (as IPVS's
     * backup does not count the connections its sync daemon creates).
     */
    void adopted(int slot) {
        refs[slot]++;
        inactive[slot]++;
        gauge(slot, TrafficCounters.INACTIVE, 1);
    }

    /**
     * Hot restart: a connection carried over from the previous process counts again as it did
     * there, without counting as a new connection (its CONNS were counted by the process that made it).
     */
    void carried(int slot, boolean established) {
        refs[slot]++;
        if (established) {
            active[slot]++;
            gauge(slot, TrafficCounters.ACTIVE, 1);
        } else {
            inactive[slot]++;
            gauge(slot, TrafficCounters.INACTIVE, 1);
        }
    }

    /** The connection's state moved into (+1) or out of (-1) ESTABLISHED. */
    void activeChanged(int slot, int delta) {
        if (delta == 0) {
            return;
        }
        active[slot] += delta;
        inactive[slot] -= delta;
        gauge(slot, TrafficCounters.ACTIVE, delta);
        gauge(slot, TrafficCounters.INACTIVE, -delta);
    }

    /** A connection ended; {@code wasActive} if it was ESTABLISHED. */
    void disconnected(int slot, boolean wasActive) {
        if (wasActive) {
            active[slot]--;
            gauge(slot, TrafficCounters.ACTIVE, -1);
        } else {
            inactive[slot]--;
            gauge(slot, TrafficCounters.INACTIVE, -1);
        }
        if (--refs[slot] == 0 && !live[slot]) {
            recycle(slot);
        }
    }

    /** The scheduler's view of one service's servers: {@code slots[i]} is destination i. */
    DestinationLoad loadOf(int[] slots) {
        return new DestinationLoad() {
            @Override
            public int activeConns(int index) { return active[slots[index]]; }

            @Override
            public int inactiveConns(int index) { return inactive[slots[index]]; }
        };
    }

    int connections(int slot) { return refs[slot]; }

    // ---- internals -----------------------------------------------------------------------------

    private void gauge(int slot, int field, int delta) {
        server[slot].add(worker, field, delta);
        service[slot].add(worker, field, delta);
    }

    private void recycle(int slot) {
        slotOf.remove(server[slot]);
        server[slot] = null;
        service[slot] = null;
        active[slot] = 0;
        inactive[slot] = 0;
        used[slot] = false;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, Math.max(16, freeSlots.length * 2));
        }
        freeSlots[freeCount++] = slot;
    }

    private void ensure(int n) {
        if (n <= server.length) {
            return;
        }
        int cap = Math.max(n, server.length * 2);
        server = Arrays.copyOf(server, cap);
        service = Arrays.copyOf(service, cap);
        active = Arrays.copyOf(active, cap);
        inactive = Arrays.copyOf(inactive, cap);
        refs = Arrays.copyOf(refs, cap);
        live = Arrays.copyOf(live, cap);
        used = Arrays.copyOf(used, cap);
        clientAddress = Arrays.copyOf(clientAddress, cap);
    }
}
