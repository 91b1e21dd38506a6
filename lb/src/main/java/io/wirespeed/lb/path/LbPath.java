package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.worker.HandoffRings;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.sched.FlowInput;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.stack.PacketHook;
import io.wirespeed.net.stack.Pipeline;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The load balancer in one worker's packet path (DPVS's PRE_ROUTING hook): packets of virtual
 * services and of their connections are scheduled, rewritten for their forwarding mode and sent
 * here; everything else goes on to the router. Owns the worker's connection table.
 *
 * <p>With several workers, every connection has one owner and its packets are processed there:
 * full NAT by the local port (each worker hands out only ports {@code p % workers == worker}, so a
 * server's reply names its owner), NAT by the client's address and port (the one thing both of its
 * directions carry), DR and TUN where the client's packets land (there are no replies). A packet
 * that lands elsewhere crosses to its owner over an SPSC hand-off ring: no shared table, no lock.
 */
public final class LbPath implements PacketHook, AutoCloseable {
    private static final int HANDOFF_BATCH = 64;

    final int worker;
    final int workers;
    final Pipeline pipeline;
    final PacketPool pool;
    final MemorySegment m;
    final ConnTable conns;
    final WorkerServices services;
    final ConnKey key = new ConnKey();
    final ConnKey reply = new ConnKey();
    final FlowInput flow = new FlowInput();
    private final Supplier<LbSnapshot> snapshots;
    private final HandoffRings handoff;
    private final IntConsumer wakeWorker;
    private final boolean[] handedTo;
    private final int[] handoffBatch = new int[HANDOFF_BATCH];
    final Ipv4Balancer v4;
    final Ipv6Balancer v6;
    final FullNatTcp fullNatTcp;
    final SourceNat snat;
    final Persistence persistence;
    final VipPortReject vipPortReject;
    final VipFragments fragments;
    final SynProxy synProxy;
    /** Black/white lists and rate limits ({@link #protection}); checks nothing until rules exist. */
    final io.wirespeed.lb.protect.Guard guard;
    long now;
    /** Session sync: where this worker's connections go to its peers (null: sync off). */
    private io.wirespeed.lb.sync.SyncLog syncLog;
    private final SyncedConnections synced = new SyncedConnections(this);

    /**
     * @param handoff rings between the workers (null with one worker)
     * @param wakeWorker wakes worker i after packets were handed to it
     */
    public LbPath(int worker, int workers, Pipeline pipeline, Supplier<LbSnapshot> snapshots, int connections,
                  HandoffRings handoff, IntConsumer wakeWorker) {
        this(worker, workers, pipeline, snapshots, connections, handoff, wakeWorker, LocalPortRange.DEFAULT);
    }

    /** @param localPorts the source ports full NAT and SNAT hand out on each local address */
    public LbPath(int worker, int workers, Pipeline pipeline, Supplier<LbSnapshot> snapshots, int connections,
                  HandoffRings handoff, IntConsumer wakeWorker, LocalPortRange localPorts) {
        this(worker, workers, pipeline, snapshots, connections, handoff, wakeWorker, localPorts, null);
    }

    /**
     * @param tableFile the shared file for the connection table (hot restart), null for private
     *     memory; an attached file's connections are carried on (see {@link #carried()})
     */
    public LbPath(int worker, int workers, Pipeline pipeline, Supplier<LbSnapshot> snapshots, int connections,
                  HandoffRings handoff, IntConsumer wakeWorker, LocalPortRange localPorts,
                  io.wirespeed.lb.conn.ConnTableFile tableFile) {
        if (workers > 1 && (handoff == null || handoff.workers() != workers || wakeWorker == null)) {
            throw new IllegalArgumentException(workers + " workers need hand-off rings for " + workers + " and a wakeup");
        }
        this.worker = worker;
        this.guard = new io.wirespeed.lb.protect.Guard(worker, io.wirespeed.lb.protect.Guard.DEFAULT_SOURCES);
        this.workers = workers;
        this.pipeline = pipeline;
        this.pool = pipeline.pool();
        this.m = pool.data();
        this.snapshots = snapshots;
        this.handoff = handoff;
        this.wakeWorker = wakeWorker;
        this.handedTo = new boolean[workers];
        this.now = System.nanoTime();
        LbSnapshot first = snapshots.get();
        this.conns = tableFile == null
                ? new ConnTable(connections, first.timeouts(), this::expired, now)
                : new ConnTable(tableFile, first.timeouts(), this::expired, now);
        this.services = new WorkerServices(worker, workers, localPorts);
        this.services.update(first);
        try {
            this.carried = tableFile != null && tableFile.attached()
                    ? CarriedConnections.adopt(this, tableFile.path())
                    : new CarriedConnections.Adopted(0, 0);
        } catch (RuntimeException e) {
            conns.close(); // nobody else gets this path to close
            throw e;
        }
        this.fullNatTcp = new FullNatTcp(this, new InitialSequenceNumbers());
        this.snat = new SourceNat(this);
        this.persistence = new Persistence(this);
        this.v4 = new Ipv4Balancer(this);
        this.v6 = new Ipv6Balancer(this);
        this.vipPortReject = new VipPortReject(this);
        this.fragments = new VipFragments(this, v4, v6);
        this.synProxy = new SynProxy(this);
        ServiceDropSite.declare();
    }

    // ---- PacketHook ----------------------------------------------------------------------------

    @Override
    public void beginBurst(long nowNanos) {
        now = nowNanos;
        LbSnapshot s = snapshots.get();
        if (services.update(s) && s.timeouts() != conns.timeouts()) {
            conns.timeouts(s.timeouts());
        }
        guard.update(services.snapshot, services.vips, nowNanos);
    }

    /** Takes black/white lists and rate limits from {@code rules} (a ProtectTable's current snapshot). */
    public void protection(Supplier<io.wirespeed.lb.protect.ProtectSnapshot> rules) {
        guard.source(rules);
    }

    /** This worker's per-source rate-limit state: sources tracked now and entries recycled (read racily). */
    public long[] protectionSources() {
        return new long[] {guard.sourcesTracked(), guard.sourcesEvicted(), guard.sourceCapacity()};
    }

    @Override
    public boolean ipv4(int b, long h, int hl, int total, NetInterface in) {
        if (idle()) {
            return false;
        }
        return v4.input(b, h, hl, total, in, false);
    }

    @Override
    public boolean ipv6(int b, long h, int l3Len, NetInterface in) {
        if (idle()) {
            return false;
        }
        return v6.input(b, h, l3Len, in, false);
    }

    @Override
    public int poll(long nowNanos) {
        now = nowNanos;
        conns.advance(nowNanos);
        fragments.advance(nowNanos);
        if (handoff == null) {
            return 0;
        }
        beginBurst(nowNanos);
        int total = 0;
        int n;
        while ((n = handoff.drain(worker, handoffBatch, 0, HANDOFF_BATCH)) > 0) {
            for (int i = 0; i < n; i++) {
                fromOtherWorker(handoffBatch[i]);
            }
            total += n;
        }
        return total;
    }

    @Override
    public void flush() {
        for (int w = 0; w < workers; w++) {
            if (handedTo[w]) {
                handedTo[w] = false;
                wakeWorker.accept(w);
            }
        }
    }

    // ---- ownership -----------------------------------------------------------------------------

    /** Nothing to balance: no service and no connection left, so the router has the packet at once. */
    private boolean idle() {
        return services.services.length == 0 && conns.size() == 0;
    }

    /** The worker that owns a NAT connection: a mix of the client's address and port. */
    int ownerByClient(long addrHi, long addrLo, int port) {
        if (workers == 1) {
            return worker;
        }
        long x = (addrHi * 0x9E3779B97F4A7C15L) ^ (addrLo * 0xC2B2AE3D27D4EB4FL) ^ port;
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return (int) Long.remainderUnsigned(x, workers);
    }

    /** The worker that owns a full-NAT connection: the one whose share its local port is in. */
    int ownerByLocalPort(int port) {
        return port % workers;
    }

    /**
     * Passes the packet to worker {@code owner}; the interface it came in on travels in the
     * buffer's aux word. Returns true: the packet is the owner's or counted as dropped.
     */
    boolean handOff(int b, int owner, NetInterface in) {
        pool.setAux(b, in.index());
        if (handoff.offer(worker, owner, b)) {
            handedTo[owner] = true;
        } else {
            pipeline.drop(b, LbDrops.HANDOFF_FULL);
        }
        return true;
    }

    private void fromOtherWorker(int b) {
        NetInterface in = pipeline.interfaces().get((int) pool.aux(b));
        if (in == null) {
            pipeline.drop(b, LbDrops.HANDOFF_FULL);
            return;
        }
        reinject(b, in);
    }

    /**
     * Runs a packet through this worker's balancer as if it had just arrived on {@code in}, already
     * placed here: one from another worker, or one the {@link SynProxy} built or held.
     */
    void reinject(int b, NetInterface in) {
        long h = pool.packetStart(b) + pool.l3Offset(b);
        if ((m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, h) & 0xF0) == 0x60) {
            int l3Len = pool.length(b) - pool.l3Offset(b);
            if (!v6.input(b, h, l3Len, in, true)) {
                pipeline.route6(b, h, l3Len, in);
            }
        } else {
            int hl = io.wirespeed.net.proto.Ipv4.headerLen(m, h);
            int total = io.wirespeed.net.proto.Ipv4.totalLength(m, h);
            if (!v4.input(b, h, hl, total, in, true)) {
                pipeline.route4(b, h, hl, total, in);
            }
        }
    }

    /**
     * A client SYN on a connection that is closing or closed (TIME_WAIT, CLOSE; FIN_WAIT without
     * replies for DR/TUN): the client reused its port for a new connection, which IPVS
     * (conn_reuse_mode) schedules afresh after expiring the old one.
     */
    boolean reusedPort(int ref, int proto, long l4) {
        if (proto != io.wirespeed.net.proto.Ipv4.PROTO_TCP || ConnTable.direction(ref) != ConnTable.ORIGINAL
                || (io.wirespeed.net.proto.Tcp.flags(m, l4) & (io.wirespeed.net.proto.Tcp.SYN | io.wirespeed.net.proto.Tcp.ACK)) != io.wirespeed.net.proto.Tcp.SYN) {
            return false;
        }
        int conn = ConnTable.conn(ref);
        int state = conns.state(conn);
        boolean reusable = state == ConnState.TIME_WAIT || state == ConnState.CLOSE
                || state == ConnState.FIN_WAIT && (conns.flags(conn) & ConnFlags.NO_OUTPUT) != 0;
        if (reusable) {
            conns.expire(conn);
        }
        return reusable;
    }

    /**
     * Moves the connection's state and counters for one packet of {@code bytes}. False when the
     * packet was dropped instead: its real server is gone and its connections expire with it.
     */
    boolean account(int b, int ref, int proto, int tcpFlags, int bytes) {
        int conn = ConnTable.conn(ref);
        int slot = conns.destination(conn);
        Destinations dests = services.destinations;
        if (!dests.live(slot) && services.snapshot.expireOnRemove()) {
            io.wirespeed.lb.service.TrafficCounters service = dests.service(slot); // the expiry may recycle the slot
            conns.expire(conn);
            ServiceDropSite.drop(this, service, b, LbDrops.DEST_REMOVED);
            return false;
        }
        int change;
        if (proto == io.wirespeed.net.proto.Ipv4.PROTO_TCP) {
            change = conns.updateTcp(ref, tcpFlags, bytes, now);
            dests.activeChanged(slot, io.wirespeed.lb.conn.StateChange.activeDelta(change));
            HandshakeOutcomes.segment(this, conn, slot, ref, change);
        } else {
            conns.update(ref, bytes, now);
            change = -1; // no state change: read below only when sync is on
        }
        if (syncLog != null) {
            syncLog.onPacket(conns, conn, change < 0 ? io.wirespeed.lb.conn.StateChange.of(conns.state(conn), conns.state(conn)) : change, now);
        }
        if (ConnTable.direction(ref) == ConnTable.ORIGINAL) {
            dests.server(slot).inPacket(worker, bytes);
            dests.service(slot).inPacket(worker, bytes);
        } else {
            dests.server(slot).outPacket(worker, bytes);
            dests.service(slot).outPacket(worker, bytes);
        }
        return true;
    }

    /** Points the buffer at a new L3 start after a header was added or replaced (the slow path reads these fields). */
    void moveL3(int b, long l3, int l3Len) {
        int l2 = io.wirespeed.net.proto.Ethernet.LEN;
        pool.setDataOffset(b, (int) (l3 - l2 - pool.bufferBase(b)));
        pool.setL3Offset(b, l2);
        pool.setLength(b, l2 + l3Len);
    }

    // ---- new connections (both families) --------------------------------------------------------

    /** The pool and port {@link #takeLocalPort} took last. */
    int takenPool;
    int takenPort;
    LocalPorts takenPorts;

    /**
     * Full NAT: a free local port on one of the service's local addresses of the server's family
     * ({@code v6}), trying them round robin; the result is in {@link #takenPool}/{@link #takenPort}.
     * False, and nothing taken, when every such port of this worker is in use.
     */
    boolean takeLocalPort(ServiceRuntime svc, boolean v6) {
        for (int attempt = 0; attempt < svc.localPools.length; attempt++) {
            int pool = svc.nextLocalPool(attempt);
            LocalPorts ports = services.localPorts(pool);
            int port = ports.address.v6() == v6 ? ports.take() : -1;
            if (port > 0) {
                takenPool = pool;
                takenPort = port;
                takenPorts = ports;
                return true;
            }
        }
        return false;
    }

    /**
     * Inserts the connection whose tuples are in {@link #key} and {@link #reply}, to destination
     * {@code d} of {@code svc}, holding local port {@code localPort} of pool {@code localPool} (-1 for
     * none). Returns its original-direction ref, or -1 when the table refused it: the packet is then
     * dropped with the reason counted and the local port given back. A connection of a persistent
     * service is put under the template {@link Persistence#select} followed or made for it.
     */
    int open(int b, ServiceRuntime svc, int d, int proto, int mode, int localPool, int localPort) {
        int template = persistence.template;
        persistence.template = -1; // used once, whatever happens here
        boolean full = conns.size() == conns.capacity();
        int state = proto == io.wirespeed.net.proto.Ipv4.PROTO_TCP ? ConnState.NONE : ConnState.UDP;
        int conn = conns.insert(key, reply, state, mode, now);
        if (conn < 0) {
            if (localPool >= 0) {
                services.localPorts(localPool).release(localPort);
            }
            ServiceDropSite.drop(this, svc, b, full ? LbDrops.TABLE_FULL : LbDrops.TABLE_REFUSED);
            return -1;
        }
        conns.destination(conn, svc.slot[d]);
        conns.service(conn, localPool);
        services.destinations.connected(svc.slot[d]);
        if (template >= 0) {
            conns.control(template, conn, svc.persistSeconds, now);
        }
        return ConnTable.ref(conn, ConnTable.ORIGINAL);
    }

    /** ICMP errors from the server side of a full-NAT TCP connection: the quoted SEQ in the client's numbering. */
    void quotedSeqToClient(int conn, int mode, int proto, long ql4, int ql4Len) {
        if (proto == io.wirespeed.net.proto.Ipv4.PROTO_TCP && (mode == ConnFlags.MODE_FNAT || mode == ConnFlags.MODE_NAT64)) {
            QuotedRewrite.clientSeq(m, ql4, ql4Len, conns.seqDelta(conn, ConnTable.ORIGINAL),
                    conns.seqDelta(conn, ConnTable.REPLY), conns.inserted(conn));
        }
    }

    // ---- connection ends -----------------------------------------------------------------------

    /** The table's expiry listener: the server's counts and the full-NAT or SNAT port are given back. */
    private void expired(int conn) {
        if (conns.isTemplate(conn) || endingOrphans) {
            return; // a persistence template holds no port and is on no server's counters
        }
        if ((conns.flags(conn) & ConnFlags.SYNPROXY) != 0) {
            synProxy.expired(conn);
        }
        int slot = conns.destination(conn);
        HandshakeOutcomes.expired(this, conn, slot);
        services.destinations.disconnected(slot, ConnState.isActive(conns.state(conn)));
        int mode = ConnFlags.mode(conns.flags(conn));
        // NAT64 is full NAT too, and SNAT takes its source port the same way
        if (mode == ConnFlags.MODE_FNAT || mode == ConnFlags.MODE_NAT64 || mode == ConnFlags.MODE_SNAT) {
            int localPool = conns.service(conn);
            if (localPool >= 0) {
                services.localPorts(localPool).release(conns.localPort(conn));
            }
        }
    }

    // ---- control plane -------------------------------------------------------------------------

    /** Session sync: from now on this worker appends its connections to {@code log} (its only producer). */
    public void sessionSync(io.wirespeed.lb.sync.SyncLog log) {
        this.syncLog = log;
        services.placeFullNatByClient();
    }

    /**
     * Installs the connection a peer synced, the {@link io.wirespeed.lb.sync.SyncRecord} at {@code offset}
     * of {@code records}, if this worker owns its flow; must run on this worker (its mailbox).
     */
    public io.wirespeed.lb.sync.SyncOutcome installSynced(MemorySegment records, long offset) {
        long nowNanos = System.nanoTime();
        beginBurst(nowNanos); // the mailbox may run before the first burst that would pick up a new service snapshot
        return synced.install(records, offset, nowNanos);
    }

    /** {@code -Lnc}: copies connections; must run on this worker (its mailbox). See {@link ConnTable#copyEntries}. */
    public int copyConnections(int from, int max, Consumer<ConnInfo> visitor) {
        return conns.copyEntries(from, max, System.nanoTime(), visitor);
    }

    /** Connections in this worker's table now (read from any thread: a racy but harmless int read). */
    public int connectionCount() {
        return conns.size();
    }

    public int connectionCapacity() {
        return conns.capacity();
    }

    /** Refused because the table was full (a counter only the worker writes). */
    public long refusedFull() {
        return conns.refusedFull();
    }

    /**
     * SYN proxy counters of this worker (read racily): cookies sent, validated, failed; server
     * handshakes completed; SYNs sent again because the server had not answered; ACKs sent again
     * because the server repeated its SYN-ACK.
     */
    public long[] synproxyCounters() {
        return new long[] {synProxy.cookiesSent, synProxy.cookiesValidated, synProxy.cookiesFailed,
                synProxy.serverHandshakes, synProxy.synsResent, synProxy.serverHandshakesAcked};
    }

    // ---- hot restart ---------------------------------------------------------------------------

    private final CarriedConnections.Adopted carried;
    /** Set while carried connections without a server here are ended: they hold nothing in this process. */
    private boolean endingOrphans;

    /** Connections this path carried on from the previous process's table file, and those it had to end. */
    public int[] carried() {
        return new int[] {carried.carried(), carried.orphaned()};
    }

    void endOrphans(java.util.List<Integer> orphans) {
        endingOrphans = true;
        try {
            orphans.forEach(conns::expire);
        } finally {
            endingOrphans = false;
        }
    }

    /**
     * Hot restart: leaves the connection table to the next process. Writes what this worker's
     * destination slots and local pools mean next to the table file, then the table's handover
     * header. Only after the worker stopped; the path must not run again, only be closed.
     *
     * @throws IllegalStateException if the table is not in a file, or the directory cannot be written
     */
    public void handOver() {
        if (conns.file() == null) {
            throw new IllegalStateException("worker " + worker + ": the connection table is not in a shared file (lb.table_files)");
        }
        CarriedConnections.writeDirectory(conns.file().path(), services);
        conns.handOver();
    }

    /** Frees the connection table; only after the worker stopped. */
    @Override
    public void close() {
        synProxy.close();
        conns.close();
    }
}
