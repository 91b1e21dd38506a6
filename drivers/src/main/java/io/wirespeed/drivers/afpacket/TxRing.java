package io.wirespeed.drivers.afpacket;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.PortStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One queue's transmit side: a send-only AF_PACKET socket with a TPACKET_V2 ring of fixed-size
 * frames. We copy a frame in and mark it TP_STATUS_SEND_REQUEST (release store); one
 * {@code sendto(fd, NULL, 0, MSG_DONTWAIT)} per burst ({@link TxKick}) makes the kernel send every marked frame, and
 * it marks each TP_STATUS_AVAILABLE again once the frame's skb is freed (we read that with acquire).
 *
 * <p>A separate socket from the rx ring because the ring version is per socket and V3 tx rings
 * offer nothing over V2 for fixed-size frames. PACKET_QDISC_BYPASS hands frames straight to the
 * driver, as a data plane that does its own queueing wants; PACKET_LOSS makes the kernel skip a
 * frame it cannot send instead of halting the whole ring on it. Allocation free; one worker thread.
 */
final class TxRing implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int TP_STATUS_AVAILABLE = 0, TP_STATUS_SEND_REQUEST = 1;
    private static final long H_STATUS = 0, H_LEN = 4;
    /** Frame data starts after the 32-byte tpacket2_hdr (TPACKET2_HDRLEN minus sockaddr_ll). */
    static final int DATA_OFFSET = 32;
    private static final int ETH_HLEN = 14;
    private static final int BLOCK_BYTES = 64 * 1024;

    final int fd;
    private final MemorySegment ring;
    private final int frameSize;
    private final int frames;
    private int head;

    /** A ring of at least {@code minFrames} frames, each big enough for a frame of {@code maxFrameLength} bytes. */
    TxRing(String ifname, int ifindex, int maxFrameLength, int minFrames) {
        this.frameSize = Math.max(2048, Integer.highestOneBit(maxFrameLength + DATA_OFFSET - 1) << 1);
        int framesPerBlock = Math.max(1, BLOCK_BYTES / frameSize);
        int blocks = (minFrames + framesPerBlock - 1) / framesPerBlock;
        int blockSize = framesPerBlock * frameSize;
        this.frames = blocks * framesPerBlock;
        this.fd = PacketSocket.open(ifname);
        MemorySegment mapped = null;
        try {
            PacketSocket.setInt(fd, PacketSocket.PACKET_VERSION, "PACKET_VERSION", PacketSocket.TPACKET_V2, ifname);
            PacketSocket.setInt(fd, PacketSocket.PACKET_QDISC_BYPASS, "PACKET_QDISC_BYPASS", 1, ifname);
            PacketSocket.setInt(fd, PacketSocket.PACKET_LOSS, "PACKET_LOSS", 1, ifname);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment req = a.allocate(4 * 4); // struct tpacket_req
                req.setAtIndex(ValueLayout.JAVA_INT, 0, blockSize);
                req.setAtIndex(ValueLayout.JAVA_INT, 1, blocks);
                req.setAtIndex(ValueLayout.JAVA_INT, 2, frameSize);
                req.setAtIndex(ValueLayout.JAVA_INT, 3, frames);
                Libc.setsockopt(fd, Libc.SOL_PACKET, PacketSocket.PACKET_TX_RING, req, "PACKET_TX_RING TPACKET_V2 frames="
                        + frames + "x" + frameSize + " interface=" + ifname);
            }
            mapped = Libc.mmap((long) blockSize * blocks, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_SHARED | Libc.MAP_POPULATE, fd, 0, "AF_PACKET tx ring interface=" + ifname);
            PacketSocket.bind(fd, ifindex, 0, ifname); // protocol 0: this socket never receives
        } catch (RuntimeException e) {
            if (mapped != null) {
                Libc.munmap(mapped);
            }
            Libc.close(fd);
            throw e;
        }
        this.ring = mapped;
    }

    /**
     * Copies every frame of {@code in} into the ring and frees its buffer; frames that find the
     * ring full, or are shorter than an Ethernet header or longer than a ring frame, are dropped
     * and counted (once the ring is full, the rest of the burst is). Kicks the kernel once if
     * anything was queued or the ring was full. Clears {@code in}.
     */
    int send(int queue, Burst in, PoolCache cache, PortStats stats) {
        PacketPool pool = cache.pool();
        MemorySegment mem = pool.data();
        int queued = 0;
        long bytes = 0;
        boolean full = false;
        for (int i = 0; i < in.count; i++) {
            int buf = in.bufs[i];
            int len = pool.length(buf);
            long slot = (long) head * frameSize;
            if (!full && (int) INT.getAcquire(ring, slot + H_STATUS) != TP_STATUS_AVAILABLE) {
                full = true;
            }
            if (!full && len >= ETH_HLEN && len <= frameSize - DATA_OFFSET) {
                MemorySegment.copy(mem, pool.packetStart(buf), ring, slot + DATA_OFFSET, len);
                ring.set(ValueLayout.JAVA_INT, slot + H_LEN, len);
                INT.setRelease(ring, slot + H_STATUS, TP_STATUS_SEND_REQUEST);
                head = head + 1 == frames ? 0 : head + 1;
                queued++;
                bytes += len;
            }
            cache.free(buf);
        }
        if (queued > 0 || full) {
            // Kick on a full ring too: its frames may be waiting for a kick that failed earlier
            // (link down, ENOBUFS). A failed kick leaves frames marked, and the next one retries them.
            TxKick.kick(fd);
        }
        if (queued > 0) {
            stats.tx(queue, queued, bytes);
        }
        if (queued < in.count) {
            stats.txDrop(queue, in.count - queued);
        }
        in.clear();
        return queued;
    }

    @Override
    public void close() {
        Libc.close(fd);
        Libc.munmap(ring);
    }
}
