package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.PortStats;

/**
 * The data path of one queue over its {@link XskSocket}: received descriptors become pool buffers
 * as they are (no copy), sent buffers go to the tx ring as they are, and the fill ring is kept
 * topped up from the worker's cache. Every buffer handed to the kernel is recorded in a
 * {@link KernelHeldBuffers}, so none is lost when the port closes and none is freed twice if the
 * kernel ever returned an address we did not lend it. One worker thread; allocation free.
 */
final class XskQueue {
    private static final int ETH_HLEN = 14;
    /** Copy mode sends at most 32 frames per kick (the kernel's TX_BATCH_SIZE); this bounds the retries of one burst. */
    private static final int MAX_KICKS = 4;

    final XskSocket socket;
    private final int queue;
    private final PacketPool pool;
    private final int bufferSize;
    private final int maxTxFrame;
    private final int fillTarget;
    private final KernelHeldBuffers held;
    private int fillLent;
    private long foreignAddresses;

    /** @param maxTxFrame longest frame the device takes; longer ones are dropped here, the kernel would lose their buffer */
    XskQueue(XskSocket socket, PacketPool pool, int fillTarget, int maxTxFrame) {
        this.socket = socket;
        this.queue = socket.queue;
        this.pool = pool;
        this.bufferSize = pool.bufferSize();
        this.maxTxFrame = maxTxFrame;
        this.fillTarget = fillTarget;
        this.held = new KernelHeldBuffers(pool.capacity());
    }

    /** Takes up to {@code out.room()} received frames, then refills the fill ring by as many. */
    int receive(Burst out, PoolCache cache, PortStats stats) {
        reapCompletions(cache);
        ConsumerRing rx = socket.rx;
        int n = rx.peek(out.room());
        int got = 0;
        int bad = 0;
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long addr = rx.addr(i);
            int len = rx.len(i);
            int buf = pool.bufferOf(addr);
            if (!held.takeBack(buf)) {
                foreignAddresses++;
                bad++;
                continue;
            }
            fillLent--;
            long offset = addr - pool.bufferBase(buf);
            if (len < ETH_HLEN || offset + len > bufferSize) {
                cache.free(buf);
                bad++;
                continue;
            }
            pool.setDataOffset(buf, (int) offset);
            pool.setLength(buf, len);
            pool.setRxQueue(buf, queue);
            out.add(buf);
            got++;
            bytes += len;
        }
        if (n > 0) {
            rx.release(n);
        }
        refill(cache);
        if (got > 0) {
            stats.rx(queue, got, bytes);
        }
        if (bad > 0) {
            stats.rxError(queue, bad);
        }
        return got;
    }

    /** Lends fresh buffers to the kernel until it holds {@code fillTarget} for receiving (or the pool runs dry). */
    void refill(PoolCache cache) {
        int want = fillTarget - fillLent;
        if (want > 0) {
            ProducerRing fill = socket.fill;
            int room = fill.reserve(want);
            int put = 0;
            while (put < room) {
                int buf = cache.alloc();
                if (buf < 0) {
                    break; // counted by the pool; the kernel counts the frames it then drops (rx_fill_ring_empty_descs)
                }
                fill.putAddr(put++, pool.bufferBase(buf));
                held.lend(buf);
            }
            if (put > 0) {
                fill.submit(put);
                fillLent += put;
            }
        }
        if (socket.needWakeup && socket.fill.needsWakeup()) {
            XskKick.rx(socket.fd); // a zero-copy driver stopped for want of frames: tell it there are some
        }
    }

    /**
     * Puts every buffer of {@code in} on the tx ring as it is; frames that find the ring full or
     * cannot be sent (shorter than an Ethernet header, longer than the device or their buffer) are
     * freed and counted as drops. Clears {@code in}.
     */
    int send(Burst in, PoolCache cache, PortStats stats) {
        reapCompletions(cache);
        ProducerRing tx = socket.tx;
        int room = tx.reserve(in.count);
        int queued = 0;
        long bytes = 0;
        for (int i = 0; i < in.count; i++) {
            int buf = in.bufs[i];
            int len = pool.length(buf);
            int offset = pool.dataOffset(buf);
            if (queued < room && len >= ETH_HLEN && len <= maxTxFrame && offset >= 0 && offset + len <= bufferSize) {
                tx.putDesc(queued++, pool.bufferBase(buf) + offset, len);
                held.lend(buf);
                bytes += len;
            } else {
                cache.free(buf);
            }
        }
        if (queued > 0) {
            tx.submit(queued);
            stats.tx(queue, queued, bytes);
        }
        if (queued < in.count) {
            stats.txDrop(queue, in.count - queued);
        }
        in.clear();
        kickTx();
        return queued;
    }

    /**
     * In copy mode the kernel sends only inside our syscall, 32 frames per call, so we kick until the
     * ring is drained or a kick makes no progress (the device is busy: the next burst retries). With
     * need_wakeup in zero-copy mode the driver sends by itself and asks for a kick only when it stopped.
     */
    private void kickTx() {
        ProducerRing tx = socket.tx;
        if (socket.zeroCopy) {
            if ((!socket.needWakeup || tx.needsWakeup()) && tx.pending() > 0) {
                XskKick.tx(socket.fd);
            }
            return;
        }
        int pending = tx.pending();
        for (int k = 0; k < MAX_KICKS && pending > 0; k++) {
            XskKick.tx(socket.fd);
            int left = tx.pending();
            if (left >= pending) {
                break;
            }
            pending = left;
        }
    }

    /** Frees the buffers of sent frames into {@code cache}. */
    void reapCompletions(PoolCache cache) {
        ConsumerRing comp = socket.completion;
        int n = comp.peek(comp.entries());
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int buf = pool.bufferOf(comp.addr(i));
            if (held.takeBack(buf)) {
                cache.free(buf);
            } else {
                foreignAddresses++;
            }
        }
        comp.release(n);
    }

    /** Before the worker sleeps in poll(2): make sure nothing waits for a kick that would never come. */
    void prepareIdle() {
        if (socket.needWakeup && socket.fill.needsWakeup()) {
            XskKick.rx(socket.fd);
        }
        if (socket.tx.pending() > 0) {
            XskKick.tx(socket.fd);
        }
    }

    /** Buffers the kernel holds for this queue now (fill ring, rx ring not yet read, tx in flight). */
    int kernelHeld() { return held.count(); }

    /** Addresses the kernel returned that we never lent it; must stay 0. */
    long foreignAddresses() { return foreignAddresses; }

    /** Closes the socket, then gives every buffer the kernel held back to the pool through {@code cache}. */
    void close(PoolCache cache) {
        socket.close();
        held.freeAll(cache);
        fillLent = 0;
    }
}
