package io.wirespeed.control.daemon;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.capture.CaptureManager;
import io.wirespeed.control.health.HealthChecker;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.config.NeighbourConfig;
import io.wirespeed.control.config.PoolConfig;
import io.wirespeed.control.config.PortConfig;
import io.wirespeed.control.config.RouteConfig;
import io.wirespeed.control.config.ServiceConfig;
import io.wirespeed.control.config.VlanConfig;
import io.wirespeed.control.config.WirespeedConfig;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolBacking;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.ring.SpscIntRing;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.worker.Waiter;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.tap.TapPort;
import io.wirespeed.core.worker.HandoffRings;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.ConnTableFile;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.capture.PacketTap;
import io.wirespeed.net.stack.Master;
import io.wirespeed.net.stack.NetControl;
import io.wirespeed.net.stack.NetDrops;
import io.wirespeed.net.stack.NetStack;
import io.wirespeed.net.stack.Pipeline;
import io.wirespeed.net.stack.RouterWorker;
import io.wirespeed.net.stack.StackOptions;
import io.wirespeed.control.restart.TakeoverRehearsal;
import io.wirespeed.core.Burst;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Everything the daemon runs, built from the config in dependency order: buffer pool, ports, the
 * exception-path TAPs, the IP stack, the master and one pinned worker per configured core. A
 * failure anywhere closes what was already opened, so a bad config leaves nothing behind.
 */
public final class DataPlane implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DataPlane.class.getName());
    private static final int RING_SIZE = 4096;
    private static final int WORKER_CACHE = 512;
    /** Packets in flight from one worker to another (FNAT/NAT replies that landed on the wrong worker). */
    private static final int HANDOFF_RING_SIZE = 4096;

    private final WirespeedConfig config;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private PacketPool pool;
    private Port[] ports;
    private TapPort[] taps;
    private NetStack stack;
    private Master master;
    private NetControl control;
    private Worker[] workers;
    private Pipeline[] pipelines;
    private PoolCache[] caches;
    private PoolCache masterCache;
    private int[][][] assignment;
    private ServiceTable lbServices;
    private HealthChecker health;
    private LbPath[] lbPaths;
    private CaptureManager captures;
    private io.wirespeed.lb.protect.ProtectTable lbProtect;
    private io.wirespeed.control.bgp.VipAnnouncer announcer;
    private HandoffRings handoff;
    private io.wirespeed.control.sync.SessionSync sessionSync;
    /** Session sync: each worker's log of connection changes, null without a {@code sync:} section. */
    private io.wirespeed.lb.sync.SyncLog[] syncLogs;
    /** Hot restart: built by {@link #prepare}, the load balancer and workers wait for {@link #takeOver}. */
    private boolean takeover;
    /** Hot restart: the connection tables were left to a successor; closing must not delete their files. */
    private volatile boolean handedOver;

    private DataPlane(WirespeedConfig config) {
        this.config = config;
    }

    /**
     * Hot restart, first half: builds everything {@link #start} does but does not poll: ports are
     * open (their sockets already fill while the old process still runs), the master runs, the
     * workers are made but not started and the load balancer not yet installed; no health checks
     * or BGP. {@link #takeOver} completes it once the old process has handed over.
     */
    public static DataPlane prepare(WirespeedConfig config) {
        DataPlane dp = new DataPlane(config);
        dp.takeover = true;
        try {
            dp.build();
            return dp;
        } catch (RuntimeException | Error e) {
            dp.close();
            throw e;
        }
    }

    /**
     * Hot restart, second half (after the old process handed over): attaches each worker's
     * connection table file, carries its connections on, and starts polling. Returns the
     * {@code System.nanoTime()} at which every worker was polling.
     */
    public long takeOver() {
        if (!takeover || workers[0].state() != Worker.State.NEW) {
            throw new IllegalStateException("takeOver() is for a data plane built by prepare(), once");
        }
        installLb();
        startWorkers();
        return System.nanoTime();
    }

    /**
     * Hot restart, just before the old process is asked to stop: throws away what this process's
     * rx queues collected while the old one was still forwarding (it forwarded those packets
     * already; kept, they would go out twice and could fill the rings, so that the packets of the
     * gap itself were dropped). Returns how many packets were discarded. Workers must not run yet.
     */
    public int discardReceived() {
        Burst burst = new Burst();
        int discarded = 0;
        for (int w = 0; w < workers.length; w++) {
            for (int[] pq : assignment[w]) {
                for (int round = 0; round < 1_000_000; round++) {
                    burst.clear();
                    int k = ports[pq[0]].rxBurst(pq[1], burst, caches[w]);
                    for (int i = 0; i < burst.count; i++) {
                        caches[w].free(burst.bufs[i]);
                    }
                    discarded += burst.count;
                    if (k == 0) {
                        break;
                    }
                }
            }
        }
        return discarded;
    }

    /** Hot restart: health checks and BGP, once the old process (which ran them) has exited. */
    public void startControlPlane() {
        startHealthChecks();
        // after the health checks, so the first announcement already reflects them; closed before them
        config.bgp().ifPresent(bgp -> opened.add(announcer = io.wirespeed.control.bgp.VipAnnouncer.start(bgp, lbServices)));
        // its socket is bound to a port address, which the kernel has (on the TAP) only now
        config.sync().ifPresent(sync -> opened.add(sessionSync = io.wirespeed.control.sync.SessionSync.start(sync, workers, lbPaths, syncLogs)));
    }

    /**
     * Hot restart, the old process's side: stops every worker (each finishes its burst and flushes
     * its tx) and leaves its connection table, with what its numbers mean, to the successor. The
     * data plane forwards nothing afterwards; close it to release the ports.
     */
    public void quiesce() {
        for (Worker w : workers) {
            w.stop();
        }
        for (LbPath lb : lbPaths) {
            lb.handOver();
        }
        handedOver = true;
    }

    /** Builds and starts the data plane; on failure everything opened so far is closed again. */
    public static DataPlane start(WirespeedConfig config) {
        DataPlane dp = new DataPlane(config);
        try {
            dp.build();
            return dp;
        } catch (RuntimeException | Error e) {
            dp.close();
            throw e;
        }
    }

    private void build() {
        long t0 = System.nanoTime();
        List<Integer> cores = config.workers().cores();
        checkCores(cores);
        lbServices = new ServiceTable(cores.size(), config.lb().expireOnRemove());
        lbServices.vipPortPolicy(config.lb().vipPortWithoutService());
        lbProtect = new io.wirespeed.lb.protect.ProtectTable(cores.size());
        addServices(config.services(), lbServices);
        addProtection(config, lbProtect);
        PoolConfig pc = config.pool();
        PoolBacking.Request req = switch (pc.hugepages()) {
            case AUTO -> PoolBacking.Request.HUGEPAGES_PREFERRED;
            case ON -> PoolBacking.Request.HUGEPAGES_REQUIRED;
            case OFF -> PoolBacking.Request.NORMAL_PAGES;
        };
        pool = PacketPool.create(pc.buffers(), PacketPool.DEFAULT_BUFFER_SIZE, PacketPool.DEFAULT_HEADROOM, req);
        opened.add(pool);
        LOG.info("event=pool buffers=" + pc.buffers() + " page_size=" + pool.backing().pageSize() + " source=" + pool.backing().source());

        List<PortConfig> pcs = config.ports();
        ports = new Port[pcs.size()];
        taps = new TapPort[pcs.size()];
        boolean[] exception = new boolean[pcs.size()];
        int xdpQueues = pcs.stream().filter(c -> c.driver() == io.wirespeed.control.config.DriverKind.AFXDP)
                .mapToInt(PortConfig::queues).sum();
        for (int i = 0; i < pcs.size(); i++) {
            Port p = PortOpener.open(pcs.get(i), i, pool, xdpQueues);
            opened.add(p);
            ports[i] = p;
            if (p.txQueues() < cores.size()) {
                throw new IllegalStateException("port " + p.name() + " has " + p.txQueues() + " tx queue(s) but there are "
                        + cores.size() + " workers: each worker needs its own tx queue (set queues: " + cores.size() + ")");
            }
            LOG.info("event=port_open port=" + p.name() + " driver=" + p.driver() + " rxq=" + p.rxQueues() + " mtu=" + p.mtu());
        }
        for (int i = 0; i < pcs.size(); i++) {
            PortConfig c = pcs.get(i);
            if (c.exceptionPath() && c.driver().usesKernelDevice() && !(ports[i] instanceof TapPort)) {
                String name = tapName(c.name());
                // hot restart: the predecessor's TAP, with its addresses and the kernel's sockets on it (BIRD's BGP
                // session, health checks), stays; this process attaches a queue of its own to it
                taps[i] = takeover ? TapPort.attachExisting(c.name() + "-kernel", name, portMac(i), ports[i].mtu())
                        : new TapPort(c.name() + "-kernel", name, portMac(i), ports[i].mtu());
                opened.add(taps[i]);
                exception[i] = true;
                LOG.info("event=exception_path port=" + c.name() + " tap=" + name);
            }
        }

        stack = new NetStack(pool, ports, new StackOptions(1000, 50, 4096, exception));
        int n = cores.size();
        SpscIntRing[] toMaster = new SpscIntRing[n];
        SpscIntRing[] fromMaster = new SpscIntRing[n];
        for (int w = 0; w < n; w++) {
            toMaster[w] = new SpscIntRing(RING_SIZE);
            fromMaster[w] = new SpscIntRing(RING_SIZE);
        }
        Waiter masterWaiter = new Waiter();
        opened.add(masterWaiter);
        Counters masterCounters = new Counters();
        masterCache = pool.newCache(256);
        workers = new Worker[n];
        pipelines = new Pipeline[n];
        caches = new PoolCache[n];
        master = new Master(stack, masterCache, masterCounters, toMaster, taps, (b, port) -> {
            pool.setAux(b, port);
            if (fromMaster[0].offer(b)) {
                workers[0].waiter().wakeup();
            } else {
                masterCounters.inc(NetDrops.SLOWPATH_FULL);
                masterCache.free(b);
            }
        }, masterWaiter);
        control = new NetControl(stack, master, new TapMirror(taps));

        assignment = assignQueues(n);
        lbPaths = new LbPath[n];
        handoff = n > 1 ? new HandoffRings(n, HANDOFF_RING_SIZE) : null;
        for (int w = 0; w < n; w++) {
            caches[w] = pool.newCache(WORKER_CACHE);
            pipelines[w] = new Pipeline(stack, caches[w], new Counters(ports.length), w, toMaster[w], fromMaster[w], master::wakeup);
            RouterWorker body = new RouterWorker(pipelines[w], caches[w], ports, assignment[w]);
            workers[w] = new Worker(w, cores.get(w), body);
            for (int[] pq : assignment[w]) {
                int fd = ports[pq[0]].pollFd(pq[1]);
                if (fd >= 0) workers[w].waiter().add(fd);
            }
        }

        captures = new CaptureManager(Arrays.stream(pipelines).map(Pipeline::tap).toArray(PacketTap[]::new));
        opened.add(captures);
        configureStack(pcs);
        master.start();
        opened.add(master::stop);
        if (!takeover) {
            installLb();
            startWorkers();
            startControlPlane();
        } else {
            rehearseTakeover();
        }
        LOG.info("event=started workers=" + n + " ports=" + ports.length + " start_ms=" + (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Each worker's load balancer, its connection table in a shared file named after the control
     * socket, so that a successor can take the table over ({@code wsctl restart}). A new data plane
     * creates the files; one built by {@link #prepare} attaches them, and if a file cannot be
     * attached (another lb.connections, a corrupt file) starts that worker empty rather than not at
     * all: the old process has stopped forwarding by then.
     */
    private void installLb() {
        int n = workers.length;
        // runs after the tables are closed (opened is closed in reverse): keep the files only for a successor
        opened.add(() -> {
            if (!handedOver) {
                for (int w = 0; w < n; w++) {
                    deleteTableFile(w);
                }
            }
        });
        for (int w = 0; w < n; w++) {
            long t0 = System.nanoTime();
            ConnTableFile file = tableFile(w);
            long t1 = System.nanoTime();
            try {
                lbPaths[w] = newLbPath(w, file);
            } catch (IllegalStateException e) {
                if (!file.attached()) {
                    throw e;
                }
                LOG.severe("event=takeover_table_refused worker=" + w + " error=\"" + e.getMessage() + "\"");
                lbPaths[w] = newLbPath(w, newTableFile(w)); // forward without the old connections rather than not at all
            }
            lbPaths[w].protection(lbProtect::current);
            opened.add(lbPaths[w]);
            if (config.sync().isPresent()) {
                if (syncLogs == null) {
                    syncLogs = new io.wirespeed.lb.sync.SyncLog[n];
                }
                syncLogs[w] = new io.wirespeed.lb.sync.SyncLog(io.wirespeed.control.sync.SessionSync.LOG_CAPACITY);
                opened.add(syncLogs[w]);
                lbPaths[w].sessionSync(syncLogs[w]); // before the worker starts: it reads the log without a fence
            }
            pipelines[w].hook(lbPaths[w]);
            if (takeover) {
                int[] carried = lbPaths[w].carried();
                LOG.info("event=takeover_table worker=" + w + " carried=" + carried[0] + " ended=" + carried[1]
                        + " attach_us=" + (t1 - t0) / 1000 + " adopt_us=" + (System.nanoTime() - t1) / 1000);
            }
        }
    }

    /** See {@link TakeoverRehearsal}: out of the gap, what the gap would spend warming up. */
    private void rehearseTakeover() {
        long t0 = System.nanoTime();
        int n = workers.length;
        // the same services in a table of their own: carried rehearsal connections count on its gauges, not the real ones
        ServiceTable scratch = new ServiceTable(n, config.lb().expireOnRemove());
        for (ServiceConfig s : config.services()) {
            try {
                s.addTo(scratch);
            } catch (LbException e) {
                throw new IllegalStateException("services: service " + s.settings().key() + ": " + e.getMessage(), e);
            }
        }
        for (int w = 0; w < n; w++) {
            int worker = w;
            Path file = tableFilePath(w);
            TakeoverRehearsal.run(file.resolveSibling(file.getFileName() + ".rehearsal"),
                    config.lb().connections(), f -> new LbPath(worker, n, pipelines[worker], scratch::current,
                            config.lb().connections(), handoff, to -> { }, config.lb().localPorts(), f));
        }
        LOG.info("event=takeover_rehearsed ms=" + (System.nanoTime() - t0) / 1_000_000);
    }

    private LbPath newLbPath(int w, ConnTableFile file) {
        return new LbPath(w, workers.length, pipelines[w], lbServices::current, config.lb().connections(), handoff,
                to -> workers[to].waiter().wakeup(), config.lb().localPorts(), file);
    }

    private ConnTableFile tableFile(int worker) {
        if (takeover) {
            try {
                return ConnTableFile.attach(tableFilePath(worker), config.lb().connections());
            } catch (IllegalStateException e) {
                LOG.severe("event=takeover_table_refused worker=" + worker + " error=\"" + e.getMessage() + "\"");
            }
        }
        return newTableFile(worker);
    }

    private ConnTableFile newTableFile(int worker) {
        return ConnTableFile.create(tableFilePath(worker), config.lb().connections(),
                ConnTable.newHashKey(), ConnTable.newHashKey());
    }

    /** {@code /dev/shm/wirespeed-<control socket name>-worker<N>}: one daemon per control socket, so one set of files. */
    Path tableFilePath(int worker) {
        return tableFilePath(config.control().socket(), worker);
    }

    static Path tableFilePath(Path controlSocket, int worker) {
        String name = controlSocket.getFileName().toString().replaceFirst("\\.sock$", "")
                .replaceAll("[^A-Za-z0-9_.-]", "_").replaceFirst("^\\.", "_");
        return ConnTableFile.defaultPath(name.isEmpty() ? "default" : name, worker);
    }

    /**
     * Removes the connection table files of the daemon on {@code controlSocket}, for whoever
     * killed it (SIGKILL leaves them, as it leaves the socket file): a daemon that stops cleanly
     * removes its own, and one that handed over leaves them to its successor. Returns how many.
     */
    public static int deleteTableFiles(Path controlSocket) {
        Path first = tableFilePath(controlSocket, 0);
        String prefix = first.getFileName().toString().replaceFirst("0$", "");
        int deleted = 0;
        try (var files = Files.list(first.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                if (Files.deleteIfExists(f)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the table files " + prefix + "* in " + first.getParent() + ": " + e, e);
        }
        return deleted;
    }

    private void deleteTableFile(int worker) {
        try {
            Path file = tableFilePath(worker);
            ConnTableFile.delete(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".dests"));
        } catch (IOException | RuntimeException e) {
            LOG.warning("event=table_file_delete_failed worker=" + worker + " error=\"" + e.getMessage() + "\"");
        }
    }

    private void startWorkers() {
        for (Worker w : workers) {
            w.start();
            opened.add(w::stop);
        }
    }

    /**
     * Health checks start last: their probes leave through the exception path (the kernel's sockets, the
     * TAP, the master, the port), which exists only now.
     */
    private void startHealthChecks() {
        health = new HealthChecker(lbServices);
        opened.add(health);
        for (ServiceConfig s : config.services()) {
            if (s.healthCheck().isPresent()) {
                try {
                    health.set(s.settings().key(), s.healthCheck().get());
                } catch (LbException e) {
                    throw new IllegalStateException("services: service " + s.settings().key() + ": health_check: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * The config's {@code services:}, before anything is opened. The config reader already checked
     * what the table checks, so a refusal here means the two disagree: the start is aborted, naming the service.
     */
    static void addServices(List<ServiceConfig> services, ServiceTable table) {
        for (ServiceConfig s : services) {
            try {
                s.addTo(table);
            } catch (LbException e) {
                throw new IllegalStateException("services: service " + s.settings().key() + ": " + e.getMessage(), e);
            }
        }
        if (!services.isEmpty()) {
            LOG.info("event=lb_services services=" + services.size());
        }
    }

    /**
     * The config's {@code ipsets:}, {@code protection:} and each service's lists and limits, through the
     * table methods {@code wsctl ipset} and {@code wsctl lb --add-blklst/--limit} use. As with services,
     * a refusal means the reader and the table disagree: the start is aborted, naming the set or scope.
     */
    static void addProtection(WirespeedConfig config, io.wirespeed.lb.protect.ProtectTable table) {
        try {
            config.protection().applyTo(table, config.services());
        } catch (io.wirespeed.lb.protect.ProtectException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!table.current().isEmpty() || !table.current().sets().isEmpty()) {
            LOG.info("event=lb_protection ipsets=" + table.current().sets().size() + " scopes="
                    + (table.current().services().size() + (table.current().global().isEmpty() ? 0 : 1)));
        }
    }

    private long portMac(int i) {
        return config.ports().get(i).mac().map(m -> m.bits()).orElse(ports[i].mac());
    }

    private void configureStack(List<PortConfig> pcs) {
        for (int i = 0; i < pcs.size(); i++) {
            PortConfig c = pcs.get(i);
            control.addInterface(c.name(), i, 0, portMac(i), c.mtu());
            for (Cidr a : c.addresses()) {
                addAddress(c.name(), a);
            }
            for (VlanConfig v : c.vlans()) {
                control.addVlan(v.name(), c.name(), v.id());
                if (v.mtu() != c.mtu()) control.setLink(v.name(), null, v.mtu());
                for (Cidr a : v.addresses()) {
                    addAddress(v.name(), a);
                }
            }
        }
        for (RouteConfig r : config.routes()) {
            try {
                addRoute(r);
            } catch (RuntimeException e) {
                throw new IllegalStateException("route to " + r.to() + ": " + e.getMessage(), e);
            }
        }
        for (NeighbourConfig nc : config.neighbours()) {
            control.addNeighbour(nc.dev(), IpAddresses.format(nc.addr()), nc.lladdr().bits());
        }
    }

    void addAddress(String dev, Cidr a) {
        if (a.family() == 4) {
            control.addAddress4(dev, Ip4.parse(IpAddresses.format(a.address())), a.prefixLength());
        } else {
            long[] v = Ip6.parse(IpAddresses.format(a.address()));
            control.addAddress6(dev, v[0], v[1], a.prefixLength());
        }
    }

    void addRoute(RouteConfig r) {
        Cidr to = r.to();
        String dev = r.dev().orElse(null);
        if (to.family() == 4) {
            int via = r.via().map(v -> Ip4.parse(IpAddresses.format(v))).orElse(0);
            control.addRoute4(Ip4.parse(IpAddresses.format(to.address())), to.prefixLength(), via, dev);
        } else {
            long[] p = Ip6.parse(IpAddresses.format(to.address()));
            long[] via = r.via().map(v -> Ip6.parse(IpAddresses.format(v))).orElse(null);
            control.addRoute6(p[0], p[1], to.prefixLength(), via, dev);
        }
    }

    /** Every (port, rx queue) pair, dealt round-robin to the workers. */
    private int[][][] assignQueues(int n) {
        List<List<int[]>> per = new ArrayList<>();
        for (int w = 0; w < n; w++) per.add(new ArrayList<>());
        int next = 0;
        for (int p = 0; p < ports.length; p++) {
            for (int q = 0; q < ports[p].rxQueues(); q++) {
                per.get(next++ % n).add(new int[] {p, q});
            }
        }
        int[][][] out = new int[n][][];
        for (int w = 0; w < n; w++) out[w] = per.get(w).toArray(int[][]::new);
        return out;
    }

    private static void checkCores(List<Integer> cores) {
        int[] allowed = Libc.allowedCpus();
        for (int c : cores) {
            if (Arrays.stream(allowed).noneMatch(a -> a == c)) {
                throw new IllegalStateException("workers.cores: core " + c + " does not exist or is not in this process's CPU set (allowed: "
                        + Arrays.toString(allowed) + ")");
            }
        }
    }

    /** Linux interface names have at most 15 characters. */
    static String tapName(String port) {
        String n = "ws-" + port;
        return n.length() > 15 ? n.substring(0, 15) : n;
    }

    public NetControl control() { return control; }
    /** Virtual services and real servers (`wsctl lb`, config {@code services:}); the data path reads its snapshots. */
    public ServiceTable lbServices() { return lbServices; }
    /** Black/white lists, ipsets and rate limits of the load balancer. */
    public io.wirespeed.lb.protect.ProtectTable lbProtect() { return lbProtect; }

    /** The load balancer's health checks: run on the control plane, inhibit and restore real servers in {@link #lbServices()}. */
    public HealthChecker health() { return health; }
    /** The BGP announcement of healthy VIPs through BIRD, when the config has a {@code bgp:} section. */
    public java.util.Optional<io.wirespeed.control.bgp.VipAnnouncer> announcer() { return java.util.Optional.ofNullable(announcer); }
    /** Session sync with the peer nodes, when the config has a {@code sync:} section. */
    public java.util.Optional<io.wirespeed.control.sync.SessionSync> sessionSync() { return java.util.Optional.ofNullable(sessionSync); }
    public NetStack stack() { return stack; }
    public Master master() { return master; }
    public PacketPool pool() { return pool; }
    public Port[] ports() { return ports.clone(); }
    public Worker[] workers() { return workers.clone(); }
    public Pipeline[] pipelines() { return pipelines.clone(); }
    /** Each worker's load balancer (its connection table); index = worker id. */
    public LbPath[] lbPaths() { return lbPaths.clone(); }
    /** Captures and sampling rules (`wsctl capture`, `wsctl sample`). */
    public CaptureManager captures() { return captures; }
    /** Every per-thread buffer cache: the workers' and the master's. */
    public PoolCache[] caches() {
        PoolCache[] all = java.util.Arrays.copyOf(caches, caches.length + 1);
        all[caches.length] = masterCache;
        return all;
    }
    public int[][] queuesOf(int worker) { return assignment[worker]; }

    /** The first worker that died of an exception, or null. */
    public Worker failedWorker() {
        for (Worker w : workers) {
            if (w != null && w.state() == Worker.State.FAILED) return w;
        }
        return null;
    }

    /** Stops workers, then the master, then closes TAPs, ports and the pool (reverse order of opening). */
    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warning("event=close_failed what=" + opened.get(i) + " error=\"" + e.getMessage() + "\"");
            }
        }
        opened.clear();
        if (stack != null) stack.routes().close();
    }

    /** Keeps each TAP's kernel addresses equal to its port's. */
    private record TapMirror(TapPort[] taps) implements NetControl.KernelMirror {
        @Override
        public void addressAdded(int port, String cidr) {
            if (port < taps.length && taps[port] != null) taps[port].addAddress(cidr);
        }

        @Override
        public void addressRemoved(int port, String cidr) {
            if (port < taps.length && taps[port] != null) taps[port].removeAddress(cidr);
        }
    }
}
