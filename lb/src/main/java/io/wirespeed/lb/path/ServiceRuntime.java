package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.sched.Scheduler;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.VirtualService;
import java.util.List;

/**
 * One virtual service as one worker uses it during one snapshot: its own scheduler (own round-robin
 * position, own load view), and the real servers flattened into arrays so a new connection reads
 * them without touching a record or a list.
 */
final class ServiceRuntime {
    final ServiceEntry entry;
    final Scheduler scheduler;
    final boolean v6;
    /** Destination i: its slot in {@link Destinations}, {@link ConnFlags} mode, address and port. */
    final int[] slot;
    final int[] mode;
    final boolean[] serverV6;
    final long[] serverHi;
    final long[] serverLo;
    final int[] serverPort;
    /** Persistence ({@code -p}): seconds a client network sticks to its server, 0 for a service without. */
    final int persistSeconds;
    /** Persistence granularity ({@code -M}) as masks over a client address's two halves (IPv4: the low half). */
    final long persistMaskHi;
    final long persistMaskLo;
    /** The service's port, 0 for a VIP:0 service: the port its persistence templates are kept under. */
    final int servicePort;
    /** TCP handshakes are answered by the {@link SynProxy} before a real server is chosen ({@code -j enable}). */
    final boolean synproxy;
    /** Full NAT: indices into the worker's local port pools, one per local address of the service. */
    final int[] localPools;
    /** Full NAT: pools of the service's standby local addresses (other nodes'), used only for synced connections. */
    final int[] standbyPools;
    /** SNAT: destination i's address as an index into the worker's local port pools; -1 for other modes. */
    final int[] snatPools;
    private int nextLocal;

    ServiceRuntime(ServiceEntry entry, Destinations destinations, int[] localPools, int[] snatPools) {
        this(entry, destinations, localPools, new int[0], snatPools);
    }

    ServiceRuntime(ServiceEntry entry, Destinations destinations, int[] localPools, int[] standbyPools, int[] snatPools) {
        this.entry = entry;
        this.v6 = entry.key().vip().v6();
        List<RealServer> servers = entry.servers();
        int n = servers.size();
        slot = new int[n];
        mode = new int[n];
        serverV6 = new boolean[n];
        serverHi = new long[n];
        serverLo = new long[n];
        serverPort = new int[n];
        for (int i = 0; i < n; i++) {
            RealServer s = servers.get(i);
            slot[i] = destinations.register(entry.serverCounters().get(i), entry.counters(), entry.service().clientAddress());
            mode[i] = modeOf(s.method());
            serverV6[i] = s.addr().v6();
            serverHi[i] = s.addr().hi();
            serverLo[i] = s.addr().lo();
            serverPort[i] = s.port();
        }
        VirtualService service = entry.service();
        this.persistSeconds = service.persistenceTimeout();
        int bits = service.netmaskBits();
        if (v6) {
            this.persistMaskHi = bits >= 64 ? -1L : -1L << (64 - bits);
            this.persistMaskLo = bits <= 64 ? 0 : -1L << (128 - bits);
        } else {
            this.persistMaskHi = 0;
            this.persistMaskLo = (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
        }
        this.servicePort = entry.key().port();
        this.synproxy = service.synproxy();
        this.localPools = localPools;
        this.standbyPools = standbyPools;
        this.snatPools = snatPools;
        this.scheduler = entry.plan().forWorker(destinations.loadOf(slot));
    }

    /** The next local port pool to try, round robin over the service's local addresses; -1 when it has none. */
    int nextLocalPool(int attempt) {
        if (localPools.length == 0) {
            return -1;
        }
        if (attempt == 0) {
            nextLocal = nextLocal + 1 >= localPools.length ? 0 : nextLocal + 1;
        }
        int i = nextLocal + attempt;
        return localPools[i >= localPools.length ? i % localPools.length : i];
    }

    static int modeOf(ForwardMethod method) {
        return switch (method) {
            case FULLNAT -> ConnFlags.MODE_FNAT;
            case NAT -> ConnFlags.MODE_NAT;
            case DR -> ConnFlags.MODE_DR;
            case TUNNEL -> ConnFlags.MODE_TUN;
            case SNAT -> ConnFlags.MODE_SNAT;
        };
    }
}
