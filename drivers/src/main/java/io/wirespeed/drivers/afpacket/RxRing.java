package io.wirespeed.drivers.afpacket;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.drivers.PortStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One queue's receive side: an AF_PACKET socket with a TPACKET_V3 ring mapped into our memory.
 *
 * <p>V3 rather than V2 because the kernel fills whole blocks of variable-size frames and hands a
 * block over when it is full or its retire timer fires: small frames pack densely, and one status
 * word per block (not per frame) crosses between kernel and user space. The retire timeout bounds
 * the latency a lone packet sees in a quiet block.
 *
 * <p>Handover protocol: the kernel sets a block's status to TP_STATUS_USER with release semantics
 * once its frames are written; we read it with acquire, copy the frames out, and give the block back
 * by storing TP_STATUS_KERNEL with release. Frames are copied into pool buffers because AF_PACKET
 * cannot write into memory we choose (AF_XDP can). Allocation free; used by one worker thread.
 */
final class RxRing implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    // Frame fields are read unaligned: offsets come from the kernel, and a bad one must not throw.
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /* tpacket_block_desc: version, offset_to_priv, then tpacket_hdr_v1. */
    private static final long BLOCK_STATUS = 8, BLOCK_NUM_PKTS = 12, BLOCK_FIRST_PKT = 16;
    /* tpacket3_hdr, followed (TPACKET_ALIGN'ed to 48) by struct sockaddr_ll. */
    private static final long H_NEXT = 0, H_SNAPLEN = 12, H_LEN = 16, H_STATUS = 20, H_MAC = 24,
            H_RXHASH = 28, H_VLAN_TCI = 32, H_VLAN_TPID = 36, H_PKTTYPE = 48 + 10, HEADER_SIZE = 48 + 20;
    private static final int TP_STATUS_KERNEL = 0, TP_STATUS_USER = 1, TP_STATUS_COPY = 2, TP_STATUS_CSUMNOTREADY = 8,
            TP_STATUS_VLAN_VALID = 0x10, TP_STATUS_VLAN_TPID_VALID = 0x40;
    private static final int TP_FT_REQ_FILL_RXHASH = 1;
    private static final int FRAME_SIZE_HINT = 2048; // V3 packs frames by their size; the kernel only checks this
    private static final int ETH_ADDRS = 12, ETH_HLEN = 14, VLAN_TAG = 4, ETH_P_8021Q = 0x8100;

    /** {@code fanoutGroup} values that are not a group id. */
    static final int NO_FANOUT = -2, NEW_FANOUT_GROUP = -1;

    final int fd;
    private final String ifname;
    private final MemorySegment ring;
    private final int blockSize;
    private final int blocks;
    // Read position: the block being consumed, frames left in it, offset of the next frame.
    private int block;
    private boolean blockOpen;
    private int framesLeft;
    private long next;

    /**
     * Opens a socket for {@code ifname} with a ring of {@code blocks} blocks of {@code blockSize}
     * bytes, bound to receive every protocol. It joins fanout group {@code fanoutGroup}, or creates
     * a group with a kernel-chosen id ({@link #NEW_FANOUT_GROUP}), or stays alone ({@link #NO_FANOUT}).
     */
    RxRing(String ifname, int ifindex, int blockSize, int blocks, int retireTimeoutMs, int fanoutGroup) {
        this.ifname = ifname;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.fd = PacketSocket.open(ifname);
        MemorySegment mapped = null;
        try {
            PacketSocket.setInt(fd, PacketSocket.PACKET_VERSION, "PACKET_VERSION", PacketSocket.TPACKET_V3, ifname);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment req = a.allocate(7 * 4); // struct tpacket_req3
                req.setAtIndex(ValueLayout.JAVA_INT, 0, blockSize);
                req.setAtIndex(ValueLayout.JAVA_INT, 1, blocks);
                req.setAtIndex(ValueLayout.JAVA_INT, 2, FRAME_SIZE_HINT);
                req.setAtIndex(ValueLayout.JAVA_INT, 3, blocks * (blockSize / FRAME_SIZE_HINT));
                req.setAtIndex(ValueLayout.JAVA_INT, 4, retireTimeoutMs);
                req.setAtIndex(ValueLayout.JAVA_INT, 5, 0); // no private area per block
                req.setAtIndex(ValueLayout.JAVA_INT, 6, TP_FT_REQ_FILL_RXHASH);
                Libc.setsockopt(fd, Libc.SOL_PACKET, PacketSocket.PACKET_RX_RING, req, "PACKET_RX_RING TPACKET_V3 blocks="
                        + blocks + "x" + blockSize + " interface=" + ifname);
            }
            mapped = Libc.mmap((long) blockSize * blocks, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_SHARED | Libc.MAP_POPULATE, fd, 0, "AF_PACKET rx ring interface=" + ifname);
            ignoreOutgoing();
            PacketSocket.bind(fd, ifindex, PacketSocket.ETH_P_ALL, ifname);
            if (fanoutGroup != NO_FANOUT) {
                // A kernel-chosen id cannot collide with another program's group on this interface.
                int type = PacketSocket.PACKET_FANOUT_HASH
                        | (fanoutGroup == NEW_FANOUT_GROUP ? PacketSocket.PACKET_FANOUT_FLAG_UNIQUEID : 0);
                PacketSocket.setInt(fd, PacketSocket.PACKET_FANOUT, "PACKET_FANOUT", Math.max(fanoutGroup, 0) | type << 16, ifname);
            }
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
     * Frames we send are seen by every packet socket on the interface, including our other queues'
     * rx sockets: ask the kernel not to deliver them (Linux 4.20+). Older kernels refuse the option;
     * the PACKET_OUTGOING check in {@link #receive} covers them.
     */
    private void ignoreOutgoing() {
        try {
            PacketSocket.setInt(fd, PacketSocket.PACKET_IGNORE_OUTGOING, "PACKET_IGNORE_OUTGOING", 1, ifname);
        } catch (OsException e) {
            if (e.errno() != PacketSocket.ENOPROTOOPT) {
                throw e;
            }
        }
    }

    /**
     * Copies up to {@code out.room()} frames into fresh pool buffers. A frame that does not fit a
     * buffer or was cut by the kernel is an rx error. When the pool is empty the frame stays in the
     * ring for the next call (and the kernel drops new frames once the ring is full).
     */
    int receive(int queue, Burst out, PoolCache cache, PortStats stats) {
        PacketPool pool = cache.pool();
        MemorySegment mem = pool.data();
        int n = 0;
        long bytes = 0;
        while (out.count < Burst.MAX) {
            if (!blockOpen && !openBlock()) {
                break;
            }
            if (framesLeft == 0) {
                releaseBlock();
                continue;
            }
            long h = next;
            int status = ring.get(U32, h + H_STATUS);
            int snap = ring.get(U32, h + H_SNAPLEN);
            int len = ring.get(U32, h + H_LEN);
            long data = h + (ring.get(U16, h + H_MAC) & 0xffff);
            // an 802.1Q tag the kernel moved into metadata goes back into the frame
            int wireLen = (status & TP_STATUS_VLAN_VALID) != 0 ? snap + VLAN_TAG : snap;
            if (ring.get(ValueLayout.JAVA_BYTE, h + H_PKTTYPE) == PacketSocket.PACKET_OUTGOING) {
                advance(h);
                continue;
            }
            if ((status & TP_STATUS_COPY) != 0 || snap < ETH_HLEN || snap < len || data + snap > blockEnd()) {
                stats.rxError(queue, 1);
                advance(h);
                continue;
            }
            int buf = cache.alloc();
            if (buf < 0) {
                break; // the pool counts the failure; this frame is retried next time
            }
            if (wireLen > pool.tailroom(buf)) {
                cache.free(buf);
                stats.rxError(queue, 1);
                advance(h);
                continue;
            }
            copyOut(h, status, data, snap, mem, pool.packetStart(buf));
            pool.setLength(buf, wireLen);
            pool.setRxQueue(buf, queue);
            pool.setHash(buf, ring.get(U32, h + H_RXHASH));
            if ((status & TP_STATUS_CSUMNOTREADY) != 0) {
                pool.setFlags(buf, pool.flags(buf) | PacketFlags.CSUM_PARTIAL);
            }
            out.add(buf);
            n++;
            bytes += wireLen;
            advance(h);
        }
        if (blockOpen && framesLeft == 0) {
            releaseBlock(); // hand the block back now, not on the next call
        }
        if (n > 0) {
            stats.rx(queue, n, bytes);
        }
        return n;
    }

    /** Copies the frame at {@code data} to {@code dst}, with its 802.1Q tag back in place if the kernel took it out. */
    private void copyOut(long h, int status, long data, int snap, MemorySegment mem, long dst) {
        if ((status & TP_STATUS_VLAN_VALID) == 0) {
            MemorySegment.copy(ring, data, mem, dst, snap);
            return;
        }
        int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(U16, h + H_VLAN_TPID) & 0xffff : ETH_P_8021Q;
        MemorySegment.copy(ring, data, mem, dst, ETH_ADDRS);
        mem.set(BE_SHORT, dst + ETH_ADDRS, (short) tpid);
        mem.set(BE_SHORT, dst + ETH_ADDRS + 2, (short) ring.get(U32, h + H_VLAN_TCI));
        MemorySegment.copy(ring, data + ETH_ADDRS, mem, dst + ETH_ADDRS + VLAN_TAG, snap - ETH_ADDRS);
    }

    private long blockBase() { return (long) block * blockSize; }

    private long blockEnd() { return blockBase() + blockSize; }

    private boolean openBlock() {
        long base = blockBase();
        if (((int) INT.getAcquire(ring, base + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
            return false;
        }
        framesLeft = ring.get(U32, base + BLOCK_NUM_PKTS);
        next = base + (ring.get(U32, base + BLOCK_FIRST_PKT) & 0xffff_ffffL);
        if (next + HEADER_SIZE > blockEnd()) {
            framesLeft = 0; // corrupt descriptor: give the block back untouched
        }
        blockOpen = true;
        return true;
    }

    private void advance(long h) {
        framesLeft--;
        long step = ring.get(U32, h + H_NEXT) & 0xffff_ffffL;
        if (framesLeft > 0 && (step == 0 || h + step + HEADER_SIZE > blockEnd())) {
            framesLeft = 0; // a corrupt chain: give the block back rather than read past it
        }
        next = h + step;
    }

    private void releaseBlock() {
        INT.setRelease(ring, blockBase() + BLOCK_STATUS, TP_STATUS_KERNEL);
        blockOpen = false;
        block = block + 1 == blocks ? 0 : block + 1;
    }

    /** Ring-full drops counted by the kernel since the last call. Control path. */
    long takeKernelDrops() {
        return PacketSocket.takeDrops(fd, ifname);
    }

    @Override
    public void close() {
        Libc.close(fd);
        Libc.munmap(ring);
    }
}
