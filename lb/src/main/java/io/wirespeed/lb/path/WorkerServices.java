package io.wirespeed.lb.path;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.VipIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's view of the service configuration: rebuilt when the control plane publishes a new
 * {@link LbSnapshot} (a version check per burst), kept otherwise. Rebuilding allocates; it happens
 * per configuration change, never per packet.
 */
final class WorkerServices {
    private final int worker;
    private final int workers;
    final Destinations destinations;
    /** Local port pools by local address; a pool outlives the snapshots that name its address. */
    private final Map<IpAddress, Integer> poolIndex = new HashMap<>();
    private final List<LocalPorts> pools = new ArrayList<>();
    private LocalPorts[] poolArray = new LocalPorts[0];

    private long version = -1;
    LbSnapshot snapshot = LbSnapshot.EMPTY;
    VipIndex vips = VipIndex.of(LbSnapshot.EMPTY);
    ServiceRuntime[] services = new ServiceRuntime[0];
    /** Full-NAT local addresses: a reply to one of them belongs to the worker its port names. */
    AddressSet localAddresses = new AddressSet(List.of());
    /** Masquerade (NAT) real servers: their replies belong to the worker the client's address names. */
    AddressSet natServers = new AddressSet(List.of());
    /** Services with a NAT real server, by position: their connections are placed by client address. */
    boolean[] placedByClient = new boolean[0];
    /**
     * Session sync: full-NAT connections are placed by client address too, so a node with as many
     * workers puts a synced flow, and the local port its peer chose, on the same worker.
     */
    private boolean fullNatByClient;
    /** The IPv4 SNAT match services, tried for packets that are no VIP's and no connection's. */
    SnatMatches snatMatches = new SnatMatches(List.of());

    private final LocalPortRange portRange;

    WorkerServices(int worker, int workers) {
        this(worker, workers, LocalPortRange.DEFAULT);
    }

    WorkerServices(int worker, int workers, LocalPortRange portRange) {
        this.portRange = portRange;
        this.worker = worker;
        this.workers = workers;
        this.destinations = new Destinations(worker);
    }

    /** Switches to {@code next} if it is newer than the one in use. True if it switched. */
    boolean update(LbSnapshot next) {
        if (next.version() == version) {
            return false;
        }
        destinations.beginSnapshot();
        List<ServiceEntry> entries = next.services();
        ServiceRuntime[] runtimes = new ServiceRuntime[entries.size()];
        for (int s = 0; s < runtimes.length; s++) {
            ServiceEntry e = entries.get(s);
            int[] local = e.localAddresses().stream().filter(l -> !l.standby()).mapToInt(this::pool).toArray();
            int[] standby = e.localAddresses().stream().filter(LocalAddress::standby).mapToInt(this::pool).toArray();
            runtimes[s] = new ServiceRuntime(e, destinations, local, standby, snatPools(e));
        }
        destinations.endSnapshot();
        java.util.Set<IpAddress> laddrs = new java.util.HashSet<>();
        java.util.Set<IpAddress> nat = new java.util.HashSet<>();
        boolean[] byClient = new boolean[entries.size()];
        for (int s = 0; s < runtimes.length; s++) {
            ServiceEntry e = entries.get(s);
            e.localAddresses().forEach(l -> laddrs.add(l.addr()));
            for (var server : e.servers()) {
                if (server.method() == io.wirespeed.lb.service.ForwardMethod.SNAT) {
                    laddrs.add(server.addr()); // replies to a SNAT address belong to the worker its port names
                }
                if (server.method() == io.wirespeed.lb.service.ForwardMethod.NAT) {
                    nat.add(server.addr());
                    byClient[s] = true;
                }
                if (fullNatByClient && server.method() == io.wirespeed.lb.service.ForwardMethod.FULLNAT) {
                    byClient[s] = true; // its replies still go by local port, which the client's worker takes from its share
                }
            }
        }
        localAddresses = new AddressSet(laddrs);
        natServers = new AddressSet(nat);
        placedByClient = byClient;
        services = runtimes;
        vips = VipIndex.of(next);
        snatMatches = new SnatMatches(entries);
        snapshot = next;
        version = next.version();
        return true;
    }

    LocalPorts localPorts(int pool) { return poolArray[pool]; }

    /** Places full-NAT connections by client address from the next snapshot on (session sync). */
    void placeFullNatByClient() {
        fullNatByClient = true;
        version = -1; // the placement is part of the snapshot's runtime view: rebuild it
    }

    /**
     * The pool of {@code svc}'s local address (its own or a standby one) with these bits, IPv4 in the
     * low 32 of {@code lo}; -1 when the service has no such address.
     */
    int localPoolOf(ServiceRuntime svc, boolean v6, long hi, long lo) {
        int p = find(svc.localPools, v6, hi, lo);
        return p >= 0 ? p : find(svc.standbyPools, v6, hi, lo);
    }

    private int find(int[] candidates, boolean v6, long hi, long lo) {
        for (int p : candidates) {
            IpAddress a = poolArray[p].address;
            if (a.v6() == v6 && (v6 ? a.hi() == hi && a.lo() == lo : a.lo() == (lo & 0xFFFF_FFFFL))) {
                return p;
            }
        }
        return -1;
    }

    /** Local port pools so far (indices 0..n-1); they are never removed. */
    int poolCount() { return poolArray.length; }

    /** A SNAT service's addresses share the pools of full-NAT local addresses: a port is one connection's either way. */
    private int[] snatPools(ServiceEntry e) {
        int[] snat = new int[e.servers().size()];
        for (int i = 0; i < snat.length; i++) {
            var server = e.servers().get(i);
            snat[i] = server.method() == io.wirespeed.lb.service.ForwardMethod.SNAT ? pool(server.addr()) : -1;
        }
        return snat;
    }

    private int pool(LocalAddress laddr) {
        return pool(laddr.addr());
    }

    private int pool(IpAddress addr) {
        Integer i = poolIndex.get(addr);
        if (i != null) {
            return i;
        }
        int index = pools.size();
        pools.add(new LocalPorts(addr, worker, workers, portRange));
        poolIndex.put(addr, index);
        poolArray = pools.toArray(LocalPorts[]::new);
        return index;
    }
}
