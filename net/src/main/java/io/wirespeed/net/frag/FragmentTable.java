package io.wirespeed.net.frag;

import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.core.timer.TimerWheel;

/**
 * Holds the fragments of IPv4 and IPv6 datagrams addressed to us until a datagram is complete
 * (RFC 791, RFC 8200 4.5). One per worker, fixed memory: at most {@code maxDatagrams} datagrams
 * in reassembly and {@code maxBuffers} fragment buffers held in all; a datagram not complete
 * within the timeout is dropped (the kernel's ipfrag_time is 30 s). The fragments stay in their
 * own pool buffers, sorted by offset: a complete datagram is handed back as that list, so a
 * consumer such as the echo responder can answer fragment by fragment without copying.
 *
 * <p>Overlapping fragments discard the whole datagram (RFC 5722, and what Linux does for IPv4
 * too); an exact duplicate is dropped alone. Allocation free after construction.
 */
public final class FragmentTable implements TimerWheel.Expiry {
    public static final int MAX_FRAGMENTS = 64;
    public static final int MAX_DATAGRAM = 65535;

    public static final DropReason TIMEOUT = DropReasons.register("reassembly", "timeout");
    public static final DropReason OVERLAP = DropReasons.register("reassembly", "overlap");
    public static final DropReason DUPLICATE = DropReasons.register("reassembly", "duplicate");
    public static final DropReason TOO_BIG = DropReasons.register("reassembly", "datagram_over_65535");
    public static final DropReason TOO_MANY = DropReasons.register("reassembly", "too_many_fragments");
    public static final DropReason TABLE_FULL = DropReasons.register("reassembly", "table_full_evicted");
    public static final DropReason BAD_LENGTH = DropReasons.register("reassembly", "bad_fragment_length");

    private final PoolCache cache;
    private final Counters counters;
    private final TimerWheel wheel;
    private final long timeoutNanos;
    private final int maxBuffers;
    private final int n;

    private final boolean[] used;
    private final int[] family, id, proto;
    private final long[] srcHi, srcLo, dstHi, dstLo;
    private final int[] count;
    private final int[] total; // datagram payload length once the last fragment is in, else -1
    private final long[] born;
    private final int[] buf, off, end; // [ctx * MAX_FRAGMENTS + i], sorted by off
    private int held;

    public FragmentTable(PoolCache cache, Counters counters, int maxDatagrams, int maxBuffers, long timeoutNanos, long now) {
        if (maxDatagrams < 1 || maxBuffers < 2) {
            throw new IllegalArgumentException("reassembly needs >= 1 datagram and >= 2 buffers");
        }
        this.cache = cache;
        this.counters = counters;
        this.n = maxDatagrams;
        this.maxBuffers = maxBuffers;
        this.timeoutNanos = timeoutNanos;
        this.wheel = new TimerWheel(maxDatagrams, 10_000_000L, now);
        used = new boolean[n];
        family = new int[n];
        id = new int[n];
        proto = new int[n];
        srcHi = new long[n];
        srcLo = new long[n];
        dstHi = new long[n];
        dstLo = new long[n];
        count = new int[n];
        total = new int[n];
        born = new long[n];
        buf = new int[n * MAX_FRAGMENTS];
        off = new int[n * MAX_FRAGMENTS];
        end = new int[n * MAX_FRAGMENTS];
    }

    /**
     * Takes fragment {@code b} whose payload covers [{@code offset}, {@code offset + len}) of the
     * datagram. Returns the datagram's context when this fragment completed it (read it with
     * {@link #fragments}/{@link #fragment} and then call {@link #release} or {@link #drop}), else -1:
     * the buffer is held, or was dropped and counted.
     */
    public int add(int b, int fam, long sHi, long sLo, long dHi, long dLo, int ident, int protocol,
                   int offset, int len, boolean more, long now) {
        if (offset + len > MAX_DATAGRAM) {
            drop1(b, TOO_BIG);
            return -1;
        }
        if (len <= 0 || (more && (len & 7) != 0)) {
            drop1(b, BAD_LENGTH); // every fragment but the last carries a multiple of 8 bytes
            return -1;
        }
        int c = find(fam, sHi, sLo, dHi, dLo, ident, protocol);
        if (c < 0) {
            c = open(fam, sHi, sLo, dHi, dLo, ident, protocol, now);
        }
        if (!more) {
            if (total[c] >= 0 && total[c] != offset + len) {
                drop(c, OVERLAP);
                drop1(b, OVERLAP);
                return -1;
            }
            total[c] = offset + len;
        }
        int base = c * MAX_FRAGMENTS;
        int k = count[c];
        int at = 0;
        while (at < k && off[base + at] < offset) at++;
        if (at < k && off[base + at] == offset && end[base + at] == offset + len) {
            drop1(b, DUPLICATE);
            return -1;
        }
        if ((at > 0 && end[base + at - 1] > offset) || (at < k && off[base + at] < offset + len)
                || (total[c] >= 0 && (offset + len > total[c] || (k > 0 && end[base + k - 1] > total[c])))) {
            drop(c, OVERLAP);
            drop1(b, OVERLAP);
            return -1;
        }
        if (k == MAX_FRAGMENTS) {
            drop(c, TOO_MANY);
            drop1(b, TOO_MANY);
            return -1;
        }
        while (held >= maxBuffers) {
            evictOldest(c);
        }
        if (!used[c]) {
            drop1(b, TABLE_FULL); // the datagram being filled was the only one left to evict
            return -1;
        }
        System.arraycopy(buf, base + at, buf, base + at + 1, k - at);
        System.arraycopy(off, base + at, off, base + at + 1, k - at);
        System.arraycopy(end, base + at, end, base + at + 1, k - at);
        buf[base + at] = b;
        off[base + at] = offset;
        end[base + at] = offset + len;
        count[c] = k + 1;
        held++;
        return complete(c) ? c : -1;
    }

    private boolean complete(int c) {
        if (total[c] < 0) return false;
        int base = c * MAX_FRAGMENTS;
        int expect = 0;
        for (int i = 0; i < count[c]; i++) {
            if (off[base + i] != expect) return false;
            expect = end[base + i];
        }
        return expect == total[c];
    }

    public int fragments(int c) { return count[c]; }

    /** The i-th fragment (by offset) of a complete datagram. */
    public int fragment(int c, int i) { return buf[c * MAX_FRAGMENTS + i]; }

    /** Datagram payload length (after the IP header) of a complete datagram. */
    public int totalLength(int c) { return total[c]; }

    /** Forgets a datagram whose buffers the caller took over (sent or freed them itself). */
    public void release(int c) {
        held -= count[c];
        close(c);
    }

    /** Frees every buffer of a datagram and counts one drop per fragment. */
    public void drop(int c, DropReason reason) {
        int base = c * MAX_FRAGMENTS;
        for (int i = 0; i < count[c]; i++) {
            drop1(buf[base + i], reason);
        }
        held -= count[c];
        close(c);
    }

    /** Expires datagrams whose time is up; call once per worker pass. */
    public void advance(long now) {
        wheel.advance(now, this);
    }

    @Override
    public void expired(int c) {
        if (used[c]) {
            drop(c, TIMEOUT);
        }
    }

    public int buffersHeld() { return held; }

    public int datagrams() {
        int k = 0;
        for (boolean u : used) if (u) k++;
        return k;
    }

    private int find(int fam, long sHi, long sLo, long dHi, long dLo, int ident, int protocol) {
        for (int c = 0; c < n; c++) {
            if (used[c] && id[c] == ident && srcLo[c] == sLo && dstLo[c] == dLo && srcHi[c] == sHi && dstHi[c] == dHi
                    && proto[c] == protocol && family[c] == fam) {
                return c;
            }
        }
        return -1;
    }

    private int open(int fam, long sHi, long sLo, long dHi, long dLo, int ident, int protocol, long now) {
        int c = -1;
        for (int i = 0; i < n && c < 0; i++) {
            if (!used[i]) c = i;
        }
        if (c < 0) {
            c = oldest(-1);
            drop(c, TABLE_FULL);
        }
        used[c] = true;
        family[c] = fam;
        srcHi[c] = sHi;
        srcLo[c] = sLo;
        dstHi[c] = dHi;
        dstLo[c] = dLo;
        id[c] = ident;
        proto[c] = protocol;
        count[c] = 0;
        total[c] = -1;
        born[c] = now;
        wheel.schedule(c, now + timeoutNanos);
        return c;
    }

    private void evictOldest(int keep) {
        int c = oldest(keep);
        if (c < 0) {
            c = keep; // only the datagram being filled holds buffers: it cannot grow further
        }
        drop(c, TABLE_FULL);
    }

    private int oldest(int skip) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (used[i] && i != skip && (best < 0 || born[i] - born[best] < 0)) best = i;
        }
        return best;
    }

    private void close(int c) {
        used[c] = false;
        count[c] = 0;
        wheel.cancel(c);
    }

    private void drop1(int b, DropReason r) {
        counters.inc(r);
        cache.free(b);
    }
}
