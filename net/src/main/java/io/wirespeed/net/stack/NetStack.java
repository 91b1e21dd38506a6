package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.drivers.Port;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.neigh.NeighbourTable;
import io.wirespeed.net.route.RouteTable;

/**
 * What the workers and the master share: ports, the buffer pool, interfaces (an immutable
 * snapshot replaced on change), routes and neighbours (lock-free readers, one writer).
 */
public final class NetStack {
    private final PacketPool pool;
    private final Port[] ports;
    private final RouteTable routes = new RouteTable();
    private final NeighbourTable neighbours;
    private final StackOptions options;
    private volatile InterfaceTable interfaces = InterfaceTable.empty();

    public NetStack(PacketPool pool, Port[] ports, StackOptions options) {
        this.pool = pool;
        this.ports = ports.clone();
        this.options = options;
        this.neighbours = new NeighbourTable(options.maxNeighbours());
    }

    public PacketPool pool() { return pool; }
    public Port port(int i) { return ports[i]; }
    public int portCount() { return ports.length; }
    public RouteTable routes() { return routes; }
    public NeighbourTable neighbours() { return neighbours; }
    public StackOptions options() { return options; }
    public InterfaceTable interfaces() { return interfaces; }

    /** Publishes a new interface snapshot (master only). */
    public void publish(InterfaceTable t) { interfaces = t; }
}
