package io.wirespeed.lb.service;

import io.wirespeed.lb.conn.ConnTimeouts;
import io.wirespeed.lb.sched.Destination;
import io.wirespeed.lb.sched.SchedulerFactory;
import io.wirespeed.lb.sched.SchedulerOptions;
import io.wirespeed.lb.sched.SchedulerPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The load balancer's virtual services as the control plane changes them ({@code ipvsadm -A/-E/-D/-C,
 * -a/-e/-d, -Z, --set, --add-laddr/--del-laddr}). Changes are serialised; each one is validated in
 * full before anything changes, then published as a new immutable {@link LbSnapshot} with a volatile
 * store, and handed to the listeners. Refusals throw {@link LbException} worded as ipvsadm words them.
 *
 * <p>A change rebuilds the scheduler plan of the one service it touches; the other services' entries
 * (and their Maglev tables) are reused as they are.
 */
public final class ServiceTable {
    /** Beyond these a table is a runaway script, not a configuration; IPVS would run out of memory. */
    public static final int MAX_SERVICES = 65536, MAX_SERVERS = 65536, MAX_LOCAL_ADDRESSES = 1024;
    private static final String NO_MEMORY = "Memory allocation problem";

    private final int workers;
    private final TreeMap<ServiceKey, ServiceState> services = new TreeMap<>();
    private final List<Consumer<LbSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private ConnTimeouts timeouts = ConnTimeouts.defaults();
    private final boolean expireOnRemove;
    private VipPortPolicy vipPortPolicy = VipPortPolicy.DROP;
    private volatile LbSnapshot current;

    /**
     * @param workers data-path workers, one counter row each
     * @param expireOnRemove expire a removed real server's connections (true, IPVS's expire_nodest_conn) or keep them
     */
    public ServiceTable(int workers, boolean expireOnRemove) {
        if (workers < 1) {
            throw new IllegalArgumentException("worker count " + workers + " must be at least 1");
        }
        this.workers = workers;
        this.expireOnRemove = expireOnRemove;
        this.current = new LbSnapshot(0, List.of(), timeouts, expireOnRemove, vipPortPolicy);
    }

    /** The latest snapshot: one volatile load. */
    public LbSnapshot current() {
        return current;
    }

    /** Called with every new snapshot, in order, on the thread that made the change. */
    public void addListener(Consumer<LbSnapshot> listener) {
        listeners.add(listener);
    }

    public synchronized void addService(VirtualService service) throws LbException {
        if (services.containsKey(service.key())) {
            throw new LbException(LbException.SERVICE_EXISTS);
        }
        if (services.size() >= MAX_SERVICES) {
            throw new LbException(NO_MEMORY);
        }
        ServiceState state = new ServiceState(checked(service), new TrafficCounters(workers));
        state.rebuild();
        services.put(service.key(), state);
        publish();
    }

    /** {@code -E}: replaces the settings; real servers, local addresses and counters stay. */
    public synchronized void editService(VirtualService service) throws LbException {
        ServiceState state = services.get(service.key());
        if (state == null) {
            throw new LbException(LbException.NO_SUCH_SERVICE);
        }
        VirtualService old = state.service;
        VirtualService edited = checked(service);
        for (RealServer s : state.servers) {
            checkSynproxy(edited, s);
        }
        state.service = edited;
        try {
            state.rebuild();
        } catch (LbException e) {
            state.service = old;
            throw e;
        }
        publish();
    }

    public synchronized void deleteService(ServiceKey key) throws LbException {
        if (services.remove(key) == null) {
            throw new LbException(LbException.NO_SUCH_SERVICE);
        }
        publish();
    }

    /** {@code -C}: removes every service. */
    public synchronized void clear() {
        services.clear();
        publish();
    }

    public synchronized void addServer(ServiceKey key, RealServer server) throws LbException {
        ServiceState state = defined(key);
        RealServer s = checked(state.service, server);
        if (state.indexOf(s.key()) >= 0) {
            throw new LbException(LbException.DEST_EXISTS);
        }
        if (state.servers.size() >= MAX_SERVERS) {
            throw new LbException(NO_MEMORY);
        }
        state.servers.add(s);
        state.serverCounters.add(new TrafficCounters(workers));
        rebuildOrUndo(state, () -> {
            state.servers.removeLast();
            state.serverCounters.removeLast();
        });
    }

    /** {@code -e}: replaces method, weight and thresholds; the server keeps its place and counters. */
    public synchronized void editServer(ServiceKey key, RealServer server) throws LbException {
        ServiceState state = defined(key);
        RealServer s = checked(state.service, server);
        int i = state.indexOf(s.key());
        if (i < 0) {
            throw new LbException(LbException.NO_SUCH_DEST);
        }
        RealServer old = state.servers.set(i, s);
        rebuildOrUndo(state, () -> state.servers.set(i, old));
    }

    /** {@code -d}: the server's connections expire or run on according to {@link LbSnapshot#expireOnRemove}. */
    public synchronized void deleteServer(ServiceKey key, IpAddress addr, int port) throws LbException {
        ServiceState state = defined(key);
        int i = state.indexOf(addr.withPort(port));
        if (i < 0 && state.service.key().port() != 0) {
            // DR and TUN servers carry the service port whatever port the command named, as ipvsadm forces it
            i = state.indexOf(addr.withPort(state.service.key().port()));
        }
        if (i < 0 && key.isMatch()) {
            i = state.indexOf(addr.withPort(0)); // SNAT servers are kept without a port
        }
        if (i < 0) {
            throw new LbException(LbException.NO_SUCH_DEST);
        }
        RealServer old = state.servers.remove(i);
        TrafficCounters oldCounters = state.serverCounters.remove(i);
        boolean wasInhibited = state.inhibited.remove(old.key()); // a server added again starts healthy
        int at = i;
        rebuildOrUndo(state, () -> {
            state.servers.add(at, old);
            state.serverCounters.add(at, oldCounters);
            if (wasInhibited) {
                state.inhibited.add(old.key());
            }
        });
    }

    /**
     * Takes a real server out of scheduling (health check failed: weight 0 for new connections, its
     * connections go on) or puts it back, keeping its configured weight. The server is named by
     * {@link RealServer#key()}.
     *
     * @return whether anything changed (false when it already was in that state)
     */
    public synchronized boolean setInhibited(ServiceKey key, String serverKey, boolean inhibited) throws LbException {
        ServiceState state = defined(key);
        if (state.indexOf(serverKey) < 0) {
            throw new LbException(LbException.NO_SUCH_DEST);
        }
        boolean changed = inhibited ? state.inhibited.add(serverKey) : state.inhibited.remove(serverKey);
        if (changed) {
            rebuildOrUndo(state, () -> {
                if (inhibited) {
                    state.inhibited.remove(serverKey);
                } else {
                    state.inhibited.add(serverKey);
                }
            });
        }
        return changed;
    }

    public synchronized void addLocalAddress(ServiceKey key, LocalAddress laddr) throws LbException {
        ServiceState state = defined(key);
        if (key.isMatch()) {
            throw new LbException(LbException.MATCH_NO_LADDR);
        }
        if (!laddr.addr().isUnicast()) {
            throw new LbException(LbException.INVALID_OPERATION);
        }
        if (state.laddrIndex(laddr.addr()) >= 0) {
            throw new LbException(LbException.LADDR_EXISTS);
        }
        if (state.laddrs.size() >= MAX_LOCAL_ADDRESSES) {
            throw new LbException(NO_MEMORY);
        }
        state.laddrs.add(laddr);
        rebuildOrUndo(state, state.laddrs::removeLast);
    }

    public synchronized void deleteLocalAddress(ServiceKey key, IpAddress addr) throws LbException {
        ServiceState state = defined(key);
        int i = state.laddrIndex(addr);
        if (i < 0) {
            throw new LbException(LbException.NO_SUCH_LADDR);
        }
        LocalAddress old = state.laddrs.remove(i);
        rebuildOrUndo(state, () -> state.laddrs.add(i, old));
    }

    /** {@code --get-laddr}: the service's local addresses in the order they were added. */
    public synchronized List<LocalAddress> localAddresses(ServiceKey key) throws LbException {
        return List.copyOf(defined(key).laddrs);
    }

    /** {@code -Z -t|-u VIP:PORT}: zeroes the service's and its servers' counters. */
    public synchronized void zero(ServiceKey key) throws LbException {
        ServiceState state = services.get(key);
        if (state == null) {
            throw new LbException(LbException.NO_SUCH_SERVICE);
        }
        state.zero();
    }

    /** {@code -Z}: zeroes every counter. */
    public synchronized void zeroAll() {
        services.values().forEach(ServiceState::zero);
    }

    /** {@code --set tcp tcpfin udp}: seconds, 0 keeps a value. */
    public synchronized void setTimeouts(int tcp, int tcpfin, int udp) throws LbException {
        try {
            timeouts = timeouts.withSet(tcp, tcpfin, udp);
        } catch (IllegalArgumentException e) {
            throw new LbException(e.getMessage());
        }
        publish();
    }

    /** What the workers do with packets for VIP ports without a service; takes effect with the next burst. */
    public synchronized void vipPortPolicy(VipPortPolicy policy) {
        vipPortPolicy = Objects.requireNonNull(policy, "policy");
        publish();
    }

    /** Folds the counters into the {@code --rate} estimates; call every ~2 s from the control plane. */
    public void estimateRates(long nanoTime) {
        for (ServiceEntry e : current.services()) {
            e.counters().estimateRates(nanoTime);
            e.serverCounters().forEach(c -> c.estimateRates(nanoTime));
        }
    }

    private ServiceState defined(ServiceKey key) throws LbException {
        ServiceState state = services.get(key);
        if (state == null) {
            throw new LbException(LbException.SERVICE_NOT_DEFINED);
        }
        return state;
    }

    private void rebuildOrUndo(ServiceState state, Runnable undo) throws LbException {
        try {
            state.rebuild();
        } catch (LbException e) {
            undo.run();
            state.rebuildUnchecked();
            throw e;
        }
        publish();
    }

    private static VirtualService checked(VirtualService s) throws LbException {
        if (!SchedulerFactory.NAMES.contains(s.scheduler())) {
            throw new LbException(LbException.SCHEDULER_NOT_FOUND);
        }
        try {
            s.schedulerOptions();
        } catch (IllegalArgumentException e) {
            throw new LbException(e.getMessage());
        }
        if (s.key().isMatch()) {
            if (s.key().match().v6()) {
                throw new LbException(LbException.SNAT_V6);
            }
            return s; // no VIP and no port: the match says which packets are the service's
        }
        if (!s.key().vip().isUnicast()) {
            throw new LbException(LbException.INVALID_OPERATION);
        }
        if (s.key().port() == 0 && !s.persistent()) {
            throw new LbException(LbException.ZERO_PORT);
        }
        if (s.synproxy() && s.key().protocol() != Protocol.TCP) {
            throw new LbException(LbException.SYNPROXY_TCP_ONLY);
        }
        return s;
    }

    private static void checkSynproxy(VirtualService service, RealServer s) throws LbException {
        boolean translatable = s.method() == ForwardMethod.FULLNAT || s.method() == ForwardMethod.NAT;
        if (service.synproxy() && (!translatable || s.addr().v6() != service.key().vip().v6())) {
            throw new LbException(LbException.SYNPROXY_FORWARDING);
        }
    }

    private static RealServer checked(VirtualService service, RealServer s) throws LbException {
        if (!s.addr().isUnicast()) {
            throw new LbException(LbException.INVALID_OPERATION);
        }
        if (service.key().isMatch() != (s.method() == ForwardMethod.SNAT)) {
            throw new LbException(service.key().isMatch() ? LbException.MATCH_NEEDS_SNAT : LbException.SNAT_NEEDS_MATCH);
        }
        // Only full NAT rewrites both addresses, so only it can cross families (NAT64: IPv6 VIP, IPv4 server).
        if (s.addr().v6() != service.key().vip().v6() && s.method() != ForwardMethod.FULLNAT) {
            throw new LbException(LbException.WRONG_FAMILY);
        }
        checkSynproxy(service, s);
        if (s.upperThreshold() != 0 && s.lowerThreshold() > s.upperThreshold()) {
            throw new LbException(LbException.INVALID_OPERATION);
        }
        if (s.method() == ForwardMethod.SNAT && s.port() != 0) {
            // the SNAT address's ports are handed out per connection: a port given with it means nothing
            return new RealServer(s.addr(), 0, s.method(), s.weight(), s.upperThreshold(), s.lowerThreshold());
        }
        if (s.method().keepsServicePort() && s.port() != service.key().port()) {
            return new RealServer(s.addr(), service.key().port(), s.method(), s.weight(), s.upperThreshold(),
                    s.lowerThreshold());
        }
        return s;
    }

    private void publish() {
        List<ServiceEntry> entries = new ArrayList<>(services.size());
        for (Map.Entry<ServiceKey, ServiceState> e : services.entrySet()) {
            entries.add(e.getValue().entry);
        }
        LbSnapshot next = new LbSnapshot(current.version() + 1, entries, timeouts, expireOnRemove, vipPortPolicy);
        current = next;
        for (Consumer<LbSnapshot> l : listeners) {
            l.accept(next);
        }
    }

    /** The mutable side of one service; only touched under the table's lock. */
    private static final class ServiceState {
        VirtualService service;
        final TrafficCounters counters;
        final List<RealServer> servers = new ArrayList<>();
        final List<TrafficCounters> serverCounters = new ArrayList<>();
        final List<LocalAddress> laddrs = new ArrayList<>();
        final Set<String> inhibited = new HashSet<>();
        ServiceEntry entry;

        ServiceState(VirtualService service, TrafficCounters counters) {
            this.service = service;
            this.counters = counters;
        }

        int indexOf(String serverKey) {
            for (int i = 0; i < servers.size(); i++) {
                if (servers.get(i).key().equals(serverKey)) {
                    return i;
                }
            }
            return -1;
        }

        int laddrIndex(IpAddress addr) {
            for (int i = 0; i < laddrs.size(); i++) {
                if (laddrs.get(i).addr().equals(addr)) {
                    return i;
                }
            }
            return -1;
        }

        /** A new entry with a freshly built scheduler plan. */
        void rebuild() throws LbException {
            List<Destination> dests = new ArrayList<>(servers.size());
            for (int i = 0; i < servers.size(); i++) {
                RealServer s = servers.get(i);
                dests.add(s.destination(i, inhibited.contains(s.key())));
            }
            SchedulerPlan plan;
            try {
                SchedulerOptions options = service.schedulerOptions();
                plan = SchedulerFactory.plan(service.scheduler(), dests, options);
            } catch (IllegalArgumentException e) {
                throw new LbException(e.getMessage());
            }
            entry = new ServiceEntry(service, servers, plan, laddrs, counters, serverCounters, inhibited);
        }

        /** Rebuilds a state that was valid before (after an undo): cannot fail. */
        void rebuildUnchecked() {
            try {
                rebuild();
            } catch (LbException e) {
                throw new IllegalStateException("service " + service.key() + " no longer builds after undo", e);
            }
        }

        void zero() {
            counters.zero();
            serverCounters.forEach(TrafficCounters::zero);
        }
    }
}
