package io.wirespeed.control.sync;

import io.wirespeed.control.config.SyncConfig;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.sync.SyncLog;
import io.wirespeed.lb.sync.SyncOutcome;
import io.wirespeed.lb.sync.SyncRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Session sync between load-balancer nodes (docs/session-sync.md), on the control side: one UDP
 * socket bound to the node's sync address, a sender thread that drains every worker's
 * {@link SyncLog} into datagrams for every peer, and a receiver thread that checks what arrives
 * (peer, format, sequence) and hands the records to the workers' mailboxes to install. The
 * workers' only part in it is the append to their log; nothing here touches a connection table.
 *
 * <p>The socket lives in the daemon's namespace, so its datagrams leave through the exception path
 * (the port's TAP) like any other packet of the node's kernel, and peers' datagrams arrive the same way.
 */
public final class SessionSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SessionSync.class.getName());
    /** Records wait at most this long in a worker's log before they are sent (IPVS flushes every second; a takeover wants less). */
    static final long FLUSH_NANOS = 50_000_000L;
    /** Records per worker log: a second's worth of 16 k new connections per 50 ms tick. */
    public static final int LOG_CAPACITY = 16_384;

    private final SyncConfig config;
    private final Worker[] workers;
    private final LbPath[] paths;
    private final SyncLog[] logs;
    private final DatagramChannel channel;
    private final Set<InetSocketAddress> peers;
    private final int epoch = new SecureRandom().nextInt();
    private final SyncCounters counters = new SyncCounters();
    private final PeerSequences sequences = new PeerSequences();
    private final ChangeLog receiveLog = new ChangeLog(LOG);
    private final ChangeLog sendLog = new ChangeLog(LOG);
    private final Thread sender;
    private final Thread receiver;
    private volatile boolean running = true;
    private long sequence;

    private SessionSync(SyncConfig config, Worker[] workers, LbPath[] paths, SyncLog[] logs, DatagramChannel channel) {
        this.config = config;
        this.workers = workers;
        this.paths = paths;
        this.logs = logs;
        this.channel = channel;
        this.peers = new HashSet<>(config.peers());
        this.sender = Thread.ofPlatform().name("sync-send").daemon().unstarted(this::sendLoop);
        this.receiver = Thread.ofPlatform().name("sync-receive").daemon().unstarted(this::receiveLoop);
    }

    /**
     * Binds the sync socket to {@code config.listen()} and starts both threads. {@code logs[w]} must
     * already be worker w's log ({@link LbPath#sessionSync}); they are closed with this.
     *
     * @throws UncheckedIOException if the socket cannot be bound (an address this node does not have, a port in use)
     */
    public static SessionSync start(SyncConfig config, Worker[] workers, LbPath[] paths, SyncLog[] logs) {
        DatagramChannel channel;
        try {
            channel = DatagramChannel.open(config.listen().getAddress() instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            try {
                channel.bind(config.listen());
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sync.listen: cannot bind UDP " + text(config.listen()) + ": " + e.getMessage()
                    + " (the address must be one of this node's)", e);
        }
        SessionSync sync = new SessionSync(config, workers, paths, logs, channel);
        sync.sender.start();
        sync.receiver.start();
        LOG.info("event=sync_started listen=" + text(config.listen()) + " peers=" + config.peers().stream().map(SessionSync::text).toList()
                + " node_id=" + config.nodeId());
        return sync;
    }

    public SyncCounters counters() {
        return counters;
    }

    /** {@code wsctl stats sync}: settings, counters, and records waiting per worker. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("listen", text(config.listen()));
        m.put("peers", config.peers().stream().map(SessionSync::text).toList());
        m.put("node_id", config.nodeId());
        m.putAll(counters.describe());
        List<Object> perWorker = new ArrayList<>();
        for (int w = 0; w < logs.length; w++) {
            Map<String, Object> lw = new LinkedHashMap<>();
            lw.put("worker", (long) w);
            lw.put("pending", (long) logs[w].pending());
            lw.put("overflows", logs[w].overflows());
            perWorker.add(lw);
        }
        m.put("workers", perWorker);
        return m;
    }

    /** Records dropped because a worker's log was full, summed over workers. */
    public long logOverflows() {
        long n = 0;
        for (SyncLog l : logs) n += l.overflows();
        return n;
    }

    // ---- sending -------------------------------------------------------------------------------

    private void sendLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(SyncDatagram.MAX_BYTES);
        MemorySegment m = MemorySegment.ofBuffer(buffer);
        while (running) {
            long start = System.nanoTime();
            for (SyncLog log : logs) {
                int n;
                while (running && (n = log.drain(m, SyncDatagram.HEADER_BYTES, SyncDatagram.MAX_RECORDS)) > 0) {
                    send(buffer, m, n);
                }
            }
            long left = FLUSH_NANOS - (System.nanoTime() - start);
            if (left > 0) LockSupport.parkNanos(left);
        }
    }

    private void send(ByteBuffer buffer, MemorySegment m, int records) {
        SyncDatagram.writeHeader(m, config.nodeId(), epoch, sequence++, records);
        for (InetSocketAddress peer : config.peers()) {
            buffer.clear().limit(SyncDatagram.length(records));
            try {
                channel.send(buffer, peer);
                counters.datagramsSent.incrementAndGet();
                counters.recordsSent.addAndGet(records);
                sendLog.clear(text(peer), "event=sync_send_ok peer=" + text(peer));
            } catch (ClosedChannelException e) {
                return; // closing
            } catch (IOException e) {
                counters.sendErrors.incrementAndGet();
                sendLog.report(text(peer), "send_error", "event=sync_send_failed peer=" + text(peer) + " error=\"" + e.getMessage() + "\"");
            }
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(SyncDatagram.MAX_BYTES + 1); // one more: an oversized datagram shows as such
        MemorySegment m = MemorySegment.ofBuffer(buffer);
        while (running) {
            SocketAddress from;
            buffer.clear();
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                receiveLog.report("socket", "receive_error", "event=sync_receive_failed error=\"" + e.getMessage() + "\"");
                LockSupport.parkNanos(10_000_000L);
                continue;
            }
            if (from instanceof InetSocketAddress peer) {
                received(peer, m, buffer.position());
            }
        }
    }

    /** One datagram of {@code length} bytes from {@code from}: checked, sequenced, then given to the workers. */
    void received(InetSocketAddress from, MemorySegment m, int length) {
        counters.datagramsReceived.incrementAndGet();
        String peer = text(from);
        if (!peers.contains(from)) {
            reject(peer, SyncReject.UNKNOWN_PEER, "not one of sync.peers");
            return;
        }
        SyncReject bad = SyncDatagram.check(m, length);
        if (bad != null) {
            reject(peer, bad, length + " bytes");
            return;
        }
        long node = SyncDatagram.nodeId(m);
        if (node == config.nodeId()) {
            reject(peer, SyncReject.OWN_NODE_ID, "node_id " + node + " is this node's");
            return;
        }
        long seq = SyncDatagram.sequence(m);
        switch (sequences.accept(from, node, SyncDatagram.epoch(m), seq)) {
            case OLD -> {
                reject(peer, SyncReject.OLD_SEQUENCE, "sequence " + Long.toUnsignedString(seq) + " already seen (duplicate or late)");
                return;
            }
            case GAP -> {
                counters.datagramsLost.addAndGet(sequences.lastGap());
                receiveLog.report(peer, "gap", "event=sync_sequence_gap peer=" + peer + " node_id=" + node + " missed="
                        + sequences.lastGap() + " at_sequence=" + Long.toUnsignedString(seq));
            }
            case RESTARTED -> {
                counters.peerRestarts.incrementAndGet();
                LOG.info("event=sync_peer_restarted peer=" + peer + " node_id=" + node);
                receiveLog.clear(peer, null);
            }
            case FIRST -> LOG.info("event=sync_peer_first_datagram peer=" + peer + " node_id=" + node);
            case NEXT -> receiveLog.clear(peer, "event=sync_peer_ok peer=" + peer + " node_id=" + node);
        }
        int count = SyncDatagram.count(m);
        counters.recordsReceived.addAndGet(count);
        install(m, count);
    }

    /** Every worker looks at every record and installs those whose flow it owns (the others answer NOT_MINE). */
    private void install(MemorySegment datagram, int count) {
        // a copy: the receive buffer is reused for the next datagram while the workers install this one
        MemorySegment records = MemorySegment.ofArray(datagram.asSlice(SyncDatagram.HEADER_BYTES, (long) count * SyncRecord.BYTES)
                .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        for (int w = 0; w < workers.length; w++) {
            LbPath path = paths[w];
            workers[w].mailbox().post(() -> {
                for (int i = 0; i < count; i++) {
                    SyncOutcome o = path.installSynced(records, (long) i * SyncRecord.BYTES);
                    counters.countOutcome(o);
                    if (o != SyncOutcome.INSTALLED && o != SyncOutcome.UPDATED && o != SyncOutcome.NOT_MINE) {
                        receiveLog.report("install", o.label(), "event=sync_record_skipped reason=" + o.label()
                                + " (the flow is re-scheduled here if it moves to this node)");
                    }
                }
            });
        }
    }

    private void reject(String peer, SyncReject reason, String detail) {
        counters.countRejected(reason);
        receiveLog.report(peer, reason.label(), "event=sync_datagram_rejected peer=" + peer + " reason=" + reason.label() + " detail=\""
                + detail + "\"");
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops both threads and closes the socket and the logs; the workers must have stopped appending (or be stopped next). */
    @Override
    public void close() {
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warning("event=sync_close_failed error=\"" + e.getMessage() + "\"");
        }
        LockSupport.unpark(sender);
        try {
            sender.join(2000);
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("event=sync_stopped datagrams_sent=" + counters.datagramsSent() + " datagrams_received=" + counters.datagramsReceived());
    }
}
