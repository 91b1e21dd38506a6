package io.wirespeed.drivers.pcap;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.logging.Logger;

/**
 * A port backed by capture files: receives the frames of {@code rxFile} once, in order, then
 * nothing; appends every transmitted frame to {@code txFile} (created or truncated at open).
 * Either file may be null: no rx file means nothing is received, no tx file means every
 * transmitted frame is dropped and counted.
 *
 * <p>Frames that do not fit a pool buffer, and frames the capture cut short (captured length
 * below the original length), are counted as rx errors and skipped: delivering a cut frame would
 * hand the stack something that was never on the wire. A file that turns out corrupt part-way ends
 * reception there (one rx error, one log line, the cause in {@link #rxFailure()}); a tx file that
 * cannot be written drops what follows (counted, cause in {@link #txFailure()}). One queue each way.
 */
public final class PcapPort implements Port {
    private static final Logger LOG = Logger.getLogger(PcapPort.class.getName());
    private static final int QUEUE = 0;

    private final String name;
    private final long mac;
    private final int mtu;
    private final PortStats stats = new PortStats(1);
    private PcapReader reader;
    private PcapWriter writer;
    private volatile IOException rxFailure;
    private volatile IOException txFailure;
    // Wall clock read once at open, advanced by nanoTime: a microsecond timestamp per burst
    // without the Instant object that every wall-clock read would allocate.
    private final long openEpochMicros;
    private final long openNanos;

    public PcapPort(String name, Path rxFile, Path txFile, long mac, int mtu) throws IOException {
        this.name = name;
        this.mac = mac;
        this.mtu = mtu;
        this.openEpochMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        this.openNanos = System.nanoTime();
        if (rxFile != null) {
            reader = PcapReader.open(rxFile);
            if (reader.linkType() != PcapWriter.LINKTYPE_ETHERNET) {
                int link = reader.linkType();
                reader.close();
                throw new PcapFormatException(rxFile, 0, "link type " + link + " is not Ethernet ("
                        + PcapWriter.LINKTYPE_ETHERNET + "); port " + name + " carries Ethernet frames only");
            }
        }
        if (txFile != null) {
            try {
                writer = PcapWriter.create(txFile);
            } catch (IOException e) {
                closeReader();
                throw new IOException("port " + name + ": cannot create tx capture file " + txFile + ": " + e.getMessage(), e);
            }
        }
    }

    @Override public String name() { return name; }
    @Override public String driver() { return "pcap"; }
    @Override public int rxQueues() { return 1; }
    @Override public int txQueues() { return 1; }
    @Override public long mac() { return mac; }
    @Override public int mtu() { return mtu; }
    @Override public boolean linkUp() { return true; }
    @Override public PortStats stats() { return stats; }

    /** Why reception stopped before the end of the rx file, or null. */
    public IOException rxFailure() { return rxFailure; }

    /** Why transmitted frames could not be written, or null. */
    public IOException txFailure() { return txFailure; }

    /** True once every frame of the rx file has been delivered (or there is no rx file). */
    public boolean rxExhausted() { return reader == null; }

    @Override
    public int rxBurst(int queue, Burst out, PoolCache cache) {
        if (reader == null) {
            return 0;
        }
        PacketPool pool = cache.pool();
        int n = 0;
        long bytes = 0;
        while (out.count < Burst.MAX) {
            int buf = cache.alloc();
            if (buf < 0) {
                break; // the frame stays in the file for the next burst; the pool counts the failure
            }
            if (!nextDeliverable(pool.tailroom(buf))) {
                cache.free(buf);
                break;
            }
            int len = reader.capturedLength();
            reader.copyTo(pool.data(), pool.packetStart(buf));
            pool.setLength(buf, len);
            pool.setRxQueue(buf, queue);
            out.add(buf);
            n++;
            bytes += len;
        }
        if (n > 0) {
            stats.rx(queue, n, bytes);
        }
        return n;
    }

    /**
     * Moves to the next record that fits in {@code room} bytes and was captured whole, counting the
     * others as rx errors. At the end of the file or on a corrupt record, closes the reader.
     */
    private boolean nextDeliverable(int room) {
        try {
            while (reader.next()) {
                if (reader.capturedLength() <= room && reader.capturedLength() >= reader.originalLength()) {
                    return true;
                }
                stats.rxError(QUEUE, 1);
            }
        } catch (IOException e) {
            rxFailure = e;
            stats.rxError(QUEUE, 1);
            LOG.warning("event=pcap_rx_stopped port=" + name + " error=\"" + e.getMessage() + "\"");
        }
        closeReader();
        return false;
    }

    @Override
    public int txBurst(int queue, Burst in, PoolCache cache) {
        PacketPool pool = cache.pool();
        int sent = 0;
        long bytes = 0;
        long now = openEpochMicros + (System.nanoTime() - openNanos) / 1000;
        for (int i = 0; i < in.count; i++) {
            int buf = in.bufs[i];
            if (writer != null && write(pool, buf, now)) {
                sent++;
                bytes += pool.length(buf);
            }
            cache.free(buf);
        }
        if (writer != null && sent > 0) {
            try {
                writer.flush();
            } catch (IOException e) {
                failTx(e);
            }
        }
        stats.tx(queue, sent, bytes);
        if (in.count > sent) {
            stats.txDrop(queue, in.count - sent);
        }
        in.clear();
        return sent;
    }

    private boolean write(PacketPool pool, int buf, long epochMicros) {
        try {
            writer.write(pool.data(), pool.packetStart(buf), pool.length(buf), epochMicros);
            return true;
        } catch (IOException e) {
            failTx(e);
            return false;
        }
    }

    private void failTx(IOException e) {
        txFailure = e;
        LOG.warning("event=pcap_tx_stopped port=" + name + " error=\"" + e.getMessage() + "\"");
        try {
            writer.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one reported
        }
        writer = null;
    }

    private void closeReader() {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (IOException ignored) {
            // a read-only file: nothing was lost
        }
        reader = null;
    }

    /** Flushes and closes the files. Call only once no worker uses the port any more. */
    @Override
    public void close() {
        closeReader();
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                txFailure = e;
                LOG.warning("event=pcap_close_failed port=" + name + " error=\"" + e.getMessage() + "\"");
            } finally {
                writer = null;
            }
        }
    }
}
