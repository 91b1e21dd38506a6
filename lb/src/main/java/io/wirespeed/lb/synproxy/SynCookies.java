package io.wirespeed.lb.synproxy;

/**
 * SYN cookies: the initial sequence number of a SYN-ACK that remembers, without any state, that we
 * answered this SYN and which MSS it asked for, the way Linux builds them (net/ipv4/syncookies.c):
 * <pre>
 *   cookie = H(tuple, 0) + client ISN + (minute &lt;&lt; 24) + ((H(tuple, minute) + mss index) mod 2^24)
 * </pre>
 * The ACK that completes the handshake acknowledges cookie + 1; from it {@link #check} recovers the
 * minute (a cookie older than two minutes is refused) and the MSS index, or refuses a forgery (an
 * outsider guesses a cookie with a chance of about 2^-22). H is SipHash-1-3 under a secret of this
 * instance. With timestamps the client's window scale, SACK-permitted and ECN options travel in the
 * low six bits of our timestamp value, which the client echoes ({@link #encodeOptions}); without
 * timestamps they are lost, as in Linux.
 *
 * <p>The tuple is the client's view: client address and port, virtual address and port. One
 * instance per worker (the hash keeps state in fields); allocation free.
 */
public final class SynCookies {
    private static final int COUNT_SHIFT = 24;
    private static final int MASK = (1 << COUNT_SHIFT) - 1;
    /** Cookies of the current and the previous minute are accepted (Linux's MAX_SYNCOOKIE_AGE). */
    private static final int MAX_AGE = 2;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    /** MSS values a cookie can carry, by index (Linux's msstab for IPv4 and IPv6). */
    private static final int[] MSS_V4 = {536, 1300, 1440, 1460};
    private static final int[] MSS_V6 = {1220, 1420, 1440, 8940};

    /** Timestamp bits that carry options: window scale (4 bits, 15 = none), SACK, ECN. */
    public static final int TS_OPTION_BITS = 6;
    private static final int TS_MASK = (1 << TS_OPTION_BITS) - 1;
    private static final int NO_WSCALE = 0xF;
    private static final int TS_SACK = 1 << 4;
    private static final int TS_ECN = 1 << 5;

    private final SipHash13 hash;

    public SynCookies(SipHash13 hash) {
        this.hash = hash;
    }

    /** The index of the largest MSS of the table not above the client's {@code mss} (0 if all are). */
    public static int mssIndex(boolean v6, int mss) {
        int[] table = v6 ? MSS_V6 : MSS_V4;
        for (int i = table.length - 1; i > 0; i--) {
            if (mss >= table[i]) {
                return i;
            }
        }
        return 0;
    }

    public static int mss(boolean v6, int index) {
        return (v6 ? MSS_V6 : MSS_V4)[index];
    }

    /** The cookie for a SYN with sequence number {@code clientIsn} of the tuple, carrying {@code mssIndex}. */
    public int cookie(long cHi, long cLo, int cPort, long vHi, long vLo, int vPort, int clientIsn, int mssIndex,
                      long nowNanos) {
        int count = minute(nowNanos);
        return tupleHash(cHi, cLo, cPort, vHi, vLo, vPort, -1) + clientIsn + (count << COUNT_SHIFT)
                + ((tupleHash(cHi, cLo, cPort, vHi, vLo, vPort, count) + mssIndex) & MASK);
    }

    /**
     * The MSS index of a cookie we made, given the handshake ACK's {@code seq - 1} (the client ISN)
     * and {@code ack - 1} (the cookie); -1 if we did not make it or it is too old.
     */
    public int check(long cHi, long cLo, int cPort, long vHi, long vLo, int vPort, int clientIsn, int cookie,
                     boolean v6, long nowNanos) {
        int count = minute(nowNanos);
        int rest = cookie - tupleHash(cHi, cLo, cPort, vHi, vLo, vPort, -1) - clientIsn;
        int age = (count - (rest >>> COUNT_SHIFT)) & (0xFFFF_FFFF >>> COUNT_SHIFT);
        if (age >= MAX_AGE) {
            return -1;
        }
        int index = (rest - tupleHash(cHi, cLo, cPort, vHi, vLo, vPort, count - age)) & MASK;
        return index < (v6 ? MSS_V6 : MSS_V4).length ? index : -1;
    }

    /**
     * Our timestamp value for the SYN-ACK: {@code now} with its low six bits replaced by the
     * client's options ({@code wscale} -1 for none), never ahead of {@code now} (Linux steps it back
     * by 64 rather than send a value from the future).
     */
    public static int encodeOptions(int now, int wscale, boolean sack, boolean ecn) {
        int options = (wscale < 0 ? NO_WSCALE : Math.min(wscale, 14)) | (sack ? TS_SACK : 0) | (ecn ? TS_ECN : 0);
        int tsval = (now & ~TS_MASK) | options;
        return Integer.compareUnsigned(tsval, now) > 0 ? tsval - (TS_MASK + 1) : tsval;
    }

    /** The window scale a client's echoed timestamp carries, -1 for none. */
    public static int wscale(int tsecr) {
        int w = tsecr & NO_WSCALE;
        return w == NO_WSCALE ? -1 : w;
    }

    public static boolean sack(int tsecr) {
        return (tsecr & TS_SACK) != 0;
    }

    public static boolean ecn(int tsecr) {
        return (tsecr & TS_ECN) != 0;
    }

    private static int minute(long nowNanos) {
        return (int) (nowNanos / MINUTE_NANOS);
    }

    /** H(tuple, count); count -1 is the count-free first hash (its own domain: bit 32 of the last word). */
    private int tupleHash(long cHi, long cLo, int cPort, long vHi, long vLo, int vPort, int count) {
        long last = (long) (cPort & 0xFFFF) << 16 | (vPort & 0xFFFF);
        last |= count < 0 ? 1L << 32 : (long) count << 33;
        return (int) hash.hash(cHi, cLo, vHi, vLo, last);
    }
}
